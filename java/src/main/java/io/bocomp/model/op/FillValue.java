package io.bocomp.model.op;

import io.bocomp.model.Attribute;
import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * The value ConstantOfShape fills its output with: its {@code value} attribute, a one-element
 * tensor whose element type is the output's, or float 0 when the attribute is absent.
 */
public final class FillValue {
  private FillValue() {}

  /**
   * The fill value of a ConstantOfShape node, as a one-element tensor of the output's type.
   *
   * @throws ModelFormatException naming the node when {@code value} is not a one-element tensor
   * @throws UnsupportedOperatorException naming the node for an element type bocomp does not hold
   */
  public static Tensor of(Node node) {
    Attribute a = node.attribute("value");
    if (a == null) {
      return Tensor.scalar(0f);
    }
    if (a.kind() != Attribute.Kind.TENSOR) {
      throw new ModelFormatException(node.label() + ": attribute 'value' must be a tensor");
    }
    Tensor t = a.asTensor();
    if (t.size() != 1) {
      throw new ModelFormatException(node.label() + ": attribute 'value' must hold one element,"
          + " got shape " + java.util.Arrays.toString(t.shape()));
    }
    CastTarget.check(node, t.elemType());
    return t;
  }

  /** The fill value as a float (integers and bools float-coded). */
  public static float floatValue(Tensor value) {
    return value.isFloat() ? value.get(0) : (float) value.getLong(0);
  }

  /** True if the value's type is integer or bool. */
  public static boolean isInteger(Tensor value) {
    return ElemType.isInteger(value.elemType());
  }
}
