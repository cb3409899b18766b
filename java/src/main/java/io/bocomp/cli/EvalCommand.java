package io.bocomp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Backends;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bocomp eval}: top-1 accuracy, and the output distance to a reference model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    resourceBundle = "io.bocomp.cli.EvalCommand")
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelInputs inputs;

  @Mixin PreprocessOptions preprocess;

  @Mixin LimitOption limit;

  @Option(names = "--reference", paramLabel = "REF.onnx") Path reference;

  @Mixin BatchOption batch;

  @Mixin BackendOption backend;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    limit.check();
    batch.check();
    Model m = ModelSource.load(inputs.model);
    Model ref = reference == null ? null : ModelSource.load(reference);
    DataSource.Loaded loaded = inputs.images.load(limit.n, preprocess.resolve(null), m);
    InputSource data = loaded.data();
    if (!data.hasLabels() && reference == null) {
      throw new BocompException("nothing to compute: " + loaded.name() + " has no labels (give"
          + " class sub-folders or --labels for top-1) and no --reference is given");
    }
    ModelPass.Result pass;
    try (Backend b = Backends.create(backend.name);
        BatchProgress bar = BatchProgress.on(System.err, "eval", data.size(), json.on)) {
      pass = ModelPass.run(b, m, ref, data, batch.n, "the images", bar);
    }
    int[] pred = pass.predictions();
    ObjectNode result = JsonOutput.object();
    result.put("model", ModelSource.name(inputs.model));
    result.put("images", loaded.name());
    result.put("n", data.size());
    if (loaded.preprocessing() != null) {
      result.set("preprocess", loaded.preprocessing().toJson());
    }
    if (data.hasLabels()) {
      result.put("top1", BatchRunner.agreement(pred, data.labels()));
    }
    if (ref != null) {
      DistanceStats d = pass.distance();
      ObjectNode r = result.putObject("reference");
      r.put("model", reference.toString());
      ObjectNode dist = r.putObject("distance");
      dist.put("mean", d.mean());
      dist.put("stderr", d.stderr());
      dist.put("n", d.n());
      r.put("top1_agreement", BatchRunner.agreement(pred, pass.referencePredictions()));
      if (data.hasLabels()) {
        r.put("top1", BatchRunner.agreement(pass.referencePredictions(), data.labels()));
      }
    }
    print(result);
    return 0;
  }

  private void print(ObjectNode r) {
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      JsonOutput.print(out, r);
      return;
    }
    out.printf("model      %s%n", r.get("model").asText());
    out.printf("images     %d (%s)%n", r.get("n").asInt(), r.get("images").asText());
    if (r.has("top1")) {
      out.printf("top-1      %.2f%%%n", 100 * r.get("top1").asDouble());
    }
    if (r.has("reference")) {
      ObjectNode ref = (ObjectNode) r.get("reference");
      ObjectNode d = (ObjectNode) ref.get("distance");
      out.printf("reference  %s%n", ref.get("model").asText());
      out.printf("distance   %.6g +- %.3g (mean +- stderr of ||out - ref||^2 over %d images)%n",
          d.get("mean").asDouble(), d.get("stderr").asDouble(), d.get("n").asInt());
      out.printf("agreement  %.2f%% (same top-1 class as the reference)%n",
          100 * ref.get("top1_agreement").asDouble());
      if (ref.has("top1")) {
        out.printf("ref top-1  %.2f%%%n", 100 * ref.get("top1").asDouble());
      }
    }
    out.flush();
  }
}
