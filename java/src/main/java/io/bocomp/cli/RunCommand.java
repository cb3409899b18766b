package io.bocomp.cli;

import io.bocomp.data.Npy;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Backends;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bocomp run}: one forward pass of a model on a .npy tensor (for parity checks). */
@Command(name = "run", mixinStandardHelpOptions = true, resourceBundle = "io.bocomp.cli.RunCommand")
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "ONNX model.")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "X.npy") Path input;

  @Option(names = "--output", required = true, paramLabel = "Y.npy") Path output;

  @Mixin BackendOption backend;

  @Override
  public Integer call() {
    Tensor x = Npy.read(input);
    Model m = ModelSource.load(model);
    Tensor y;
    try (Backend b = Backends.create(backend.name); Executable e = b.compile(m)) {
      y = x.rank() == 0 ? e.run(x) : new BatchRunner(e, Math.max(1, x.dim(0))).run(x);
    }
    Npy.write(y, output);
    spec.commandLine().getErr().printf("bocomp: wrote %s %s%n", output, Arrays.toString(y.shape()));
    return 0;
  }
}
