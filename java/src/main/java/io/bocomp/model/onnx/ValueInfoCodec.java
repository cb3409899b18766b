package io.bocomp.model.onnx;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.ValueInfo;

/**
 * Converts ONNX {@code ValueInfoProto}s of tensor type to {@link ValueInfo}s and back. A dimension
 * with neither {@code dim_value} nor {@code dim_param} is unknown (-1); a {@code dim_param} is
 * unknown too, and its name is kept so an export writes it back. A missing shape is an unknown rank.
 * On export an unknown element type (0) is written as float32, the type bocomp computes in.
 */
final class ValueInfoCodec {
  private ValueInfoCodec() {}

  /** True if the message describes a tensor (the only kind of value bocomp models). */
  static boolean isTensor(Onnx.ValueInfoProto v) {
    return v.hasType() && v.getType().hasTensorType();
  }

  /** The value info of a tensor-typed message (call {@link #isTensor} first). */
  static ValueInfo decode(Onnx.ValueInfoProto v, String what) {
    Onnx.TypeProto.Tensor t = v.getType().getTensorType();
    if (!t.hasShape()) {
      return new ValueInfo(v.getName(), t.getElemType(), null, null);
    }
    int rank = t.getShape().getDimCount();
    int[] shape = new int[rank];
    String[] params = new String[rank];
    boolean anyParam = false;
    for (int i = 0; i < rank; i++) {
      Onnx.TensorShapeProto.Dimension d = t.getShape().getDim(i);
      if (d.hasDimValue()) {
        long x = d.getDimValue();
        if (x < -1 || x > Integer.MAX_VALUE) {
          throw new ModelFormatException(what + " has invalid dimension " + x + " at axis " + i);
        }
        // -1 is not valid ONNX but common (Paddle2ONNX writes it for a dynamic axis), and
        // ONNX Runtime reads it as unknown: so do we
        shape[i] = (int) x;
      } else {
        shape[i] = -1;
        if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
          params[i] = d.getDimParam();
          anyParam = true;
        }
      }
    }
    return new ValueInfo(v.getName(), t.getElemType(), shape, anyParam ? params : null);
  }

  /**
   * The message for a value info.
   *
   * @param original the message it was imported from (its doc string, denotations and unknown
   *     fields are kept), or null
   */
  static Onnx.ValueInfoProto encode(ValueInfo v, Onnx.ValueInfoProto original) {
    Onnx.ValueInfoProto.Builder b =
        original == null ? Onnx.ValueInfoProto.newBuilder() : original.toBuilder();
    Onnx.TypeProto.Builder type =
        original != null && original.hasType() ? original.getType().toBuilder() : Onnx.TypeProto.newBuilder();
    Onnx.TypeProto.Tensor.Builder tensor = Onnx.TypeProto.Tensor.newBuilder()
        .setElemType(v.elemType() == 0 ? ValueInfo.ELEM_FLOAT : v.elemType());
    int[] shape = v.shape();
    if (shape != null) {
      Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
      for (int i = 0; i < shape.length; i++) {
        Onnx.TensorShapeProto.Dimension.Builder d = Onnx.TensorShapeProto.Dimension.newBuilder();
        if (shape[i] >= 0) {
          d.setDimValue(shape[i]);
        } else if (v.dimParam(i) != null) {
          d.setDimParam(v.dimParam(i));
        }
        s.addDim(d);
      }
      tensor.setShape(s);
    }
    return b.setName(v.name()).setType(type.setTensorType(tensor)).build();
  }
}
