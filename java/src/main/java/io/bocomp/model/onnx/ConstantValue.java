package io.bocomp.model.onnx;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Tensor;

/**
 * The tensor a {@code Constant} node produces, from whichever of its value attributes is set:
 * {@code value} (a tensor), {@code value_float} / {@code value_int} (scalars), {@code value_floats}
 * / {@code value_ints} (1-D). String values and {@code sparse_value} are refused with a {@link
 * ModelFormatException} naming the node.
 */
final class ConstantValue {
  private ConstantValue() {}

  static Tensor of(Onnx.NodeProto p, String label, ExternalDataReader external) {
    if (p.getAttributeCount() != 1) {
      throw new ModelFormatException(label + " must have exactly one value attribute, it has "
          + p.getAttributeCount());
    }
    Onnx.AttributeProto a = p.getAttribute(0);
    switch (a.getName()) {
      case "value":
        if (!a.hasT()) {
          throw new ModelFormatException(label + " attribute 'value' holds no tensor");
        }
        return TensorCodec.decode(a.getT(), label + " value", external);
      case "value_float":
        return Tensor.scalar(a.getF());
      case "value_floats": {
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getFloats(i);
        }
        return Tensor.of(new int[] {v.length}, v);
      }
      case "value_int":
        return Tensor.ofLongs(new int[0], new long[] {a.getI()});
      case "value_ints": {
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getInts(i);
        }
        return Tensor.ofLongs(new int[] {v.length}, v);
      }
      case "sparse_value":
        throw new ModelFormatException(label + " holds a sparse tensor, which bocomp does not support");
      case "value_string": case "value_strings":
        throw new ModelFormatException(label + " holds strings, which bocomp does not support");
      default:
        throw new ModelFormatException(label + " has unknown value attribute '" + a.getName() + "'");
    }
  }
}
