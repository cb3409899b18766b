package io.bocomp.cli;

public final class Main {
  public static void main(String[] args) {
    System.out.println(io.bocomp.model.onnx.Onnx.ModelProto.getDefaultInstance().getIrVersion());
  }
}
