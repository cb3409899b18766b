package io.bocomp.model;

import java.util.Arrays;

/**
 * Name, element type and (possibly partial) shape of a graph value. A dimension of -1 is unknown;
 * {@link #dimParam(int)} gives its symbolic name when the file had one (e.g. "batch").
 */
public final class ValueInfo {
  /** ONNX TensorProto.DataType codes used here. */
  public static final int ELEM_FLOAT = 1;
  public static final int ELEM_INT64 = 7;
  public static final int ELEM_BOOL = ElemType.BOOL;

  private final String name;
  private final int elemType;
  private final int[] shape;
  private final String[] dimParams;

  public ValueInfo(String name, int elemType, int[] shape, String[] dimParams) {
    this.name = name;
    this.elemType = elemType;
    this.shape = shape == null ? null : shape.clone();
    this.dimParams = dimParams == null ? null : dimParams.clone();
  }

  public static ValueInfo floatTensor(String name, int... shape) {
    return new ValueInfo(name, ELEM_FLOAT, shape, null);
  }

  public String name() {
    return name;
  }

  /** ONNX element type code (1 = float32, 7 = int64, ...). 0 when unknown. */
  public int elemType() {
    return elemType;
  }

  /** Shape with -1 for unknown dimensions; null when even the rank is unknown. */
  public int[] shape() {
    return shape == null ? null : shape.clone();
  }

  /** Symbolic name of dimension i, or null. */
  public String dimParam(int i) {
    return dimParams == null || i >= dimParams.length ? null : dimParams[i];
  }

  public ValueInfo withShape(int[] newShape) {
    return new ValueInfo(name, elemType, newShape, dimParams);
  }

  public ValueInfo withName(String newName) {
    return new ValueInfo(newName, elemType, shape, dimParams);
  }

  @Override
  public String toString() {
    return name + ":" + ElemType.name(elemType)
        + (shape == null ? "[?]" : Arrays.toString(shape));
  }
}
