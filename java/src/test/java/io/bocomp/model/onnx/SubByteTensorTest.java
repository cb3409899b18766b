package io.bocomp.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed 4- and 2-bit integer types in files: element order and sign extension against
 * hand-packed bytes, round trips of every value at odd element counts, the int32_data form, and
 * the errors (a raw_data length that does not fit, a value outside the type on export).
 */
class SubByteTensorTest {

  @Test
  void int4PacksTheFirstElementInTheLowNibble() {
    Tensor t = Tensor.ofLongs(new int[] {3}, new long[] {-8, 7, -1}).withElemType(ElemType.INT4);
    Onnx.TensorProto p = TensorCodec.encode(t, Onnx.TensorProto.newBuilder().setName("w")).build();
    assertThat(p.getDataType()).isEqualTo(ElemType.INT4);
    // -8 = 0b1000 low, 7 = 0b0111 high: 0x78; -1 = 0b1111 low, zero pad high: 0x0F
    assertThat(p.getRawData().toByteArray()).containsExactly((byte) 0x78, (byte) 0x0F);
  }

  @Test
  void int2PacksFourElementsPerByte() {
    Tensor t = Tensor.ofLongs(new int[] {5}, new long[] {-2, -1, 0, 1, 1})
        .withElemType(ElemType.INT2);
    Onnx.TensorProto p = TensorCodec.encode(t, Onnx.TensorProto.newBuilder().setName("w")).build();
    // 0b10, 0b11, 0b00, 0b01 from the low bits up: 0b01_00_11_10 = 0x4E; then 0b01
    assertThat(p.getRawData().toByteArray()).containsExactly((byte) 0x4E, (byte) 0x01);
  }

  @Test
  void everyValueOfEveryTypeRoundTripsAtOddSizes() {
    for (int type : new int[] {ElemType.INT4, ElemType.UINT4, ElemType.INT2, ElemType.UINT2}) {
      for (int n : new int[] {1, 2, 3, 7, 33}) {
        SplittableRandom r = new SplittableRandom(type * 100L + n);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = ElemType.min(type) + r.nextLong(ElemType.max(type) - ElemType.min(type) + 1);
        }
        Tensor t = Tensor.ofLongs(new int[] {n}, v).withElemType(type);
        Onnx.TensorProto p = TensorCodec.encode(t, Onnx.TensorProto.newBuilder().setName("w"))
            .build();
        assertThat(p.getRawData().size()).as(ElemType.name(type) + " n=" + n)
            .isEqualTo((n * ElemType.bits(type) + 7) / 8);
        Tensor back = TensorCodec.decode(p, "w", null);
        assertThat(back.elemType()).isEqualTo(type);
        assertThat(back.toLongArray()).as(ElemType.name(type) + " n=" + n).containsExactly(v);
      }
    }
  }

  @Test
  void int32DataHoldsOnePackedBytePerEntry() {
    Onnx.TensorProto p = Onnx.TensorProto.newBuilder().setName("w").setDataType(ElemType.UINT4)
        .addDims(3).addInt32Data(0xA5).addInt32Data(0x03).build();
    assertThat(TensorCodec.decode(p, "w", null).toLongArray()).containsExactly(5, 10, 3);
  }

  @Test
  void aWrongRawLengthOrAnOutOfRangeValueIsAnError() {
    Onnx.TensorProto p = Onnx.TensorProto.newBuilder().setName("w").setDataType(ElemType.INT4)
        .addDims(5).setRawData(ByteString.copyFrom(new byte[2])).build();
    assertThatThrownBy(() -> TensorCodec.decode(p, "initializer 'w'", null))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("initializer 'w' has 2 bytes of raw_data, its shape [5] of INT4 needs 3");
    Tensor t = Tensor.ofLongs(new int[] {2}, new long[] {1, 8}).withElemType(ElemType.INT4);
    assertThatThrownBy(() -> TensorCodec.encode(t, Onnx.TensorProto.newBuilder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value 8 at 1 is outside INT4 [-8, 7]");
  }
}
