package io.bocomp.cli;

import io.bocomp.train.Distillation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Locale;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The fine-tuning options' defaults, read from {@link Distillation.Settings#defaults}, the one
 * place they are written (picocli's {@code defaultValue} would need them again as constant
 * strings). An option whose long name is a prefix and then a {@code Settings} component in kebab
 * case ({@code --weight-decay} for {@code weightDecay}) gets that component's default, as
 * picocli's default value provider: parsed into the field when the option is absent and shown by
 * {@code ${DEFAULT-VALUE}} in the help. Numbers are written without trailing zeros ({@code 0.01},
 * {@code 4}), enums in lower case.
 *
 * <p>Limits: an option with a {@code defaultValue} of its own keeps it ({@code --epochs}); the
 * thread count, which depends on the machine, is left to the command.
 */
abstract class DistillationDefaults implements IDefaultValueProvider {
  private static final Distillation.Settings DEFAULTS = Distillation.Settings.defaults(1);

  private final String prefix;

  DistillationDefaults(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || o.defaultValue() != null
        || !o.longestName().startsWith(prefix)) {
      return null;
    }
    String component = camelCase(o.longestName().substring(prefix.length()));
    if (component.equals("threads")) {
      return null;
    }
    for (RecordComponent c : Distillation.Settings.class.getRecordComponents()) {
      if (c.getName().equals(component)) {
        return format(read(c));
      }
    }
    return null;
  }

  private static Object read(RecordComponent c) {
    try {
      return c.getAccessor().invoke(DEFAULTS);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Distillation.Settings." + c.getName(), e);
    }
  }

  /** {@code weight-decay} as {@code weightDecay}. */
  static String camelCase(String kebab) {
    StringBuilder s = new StringBuilder(kebab.length());
    boolean upper = false;
    for (char ch : kebab.toCharArray()) {
      if (ch == '-') {
        upper = true;
      } else {
        s.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    return s.toString();
  }

  static String format(Object v) {
    if (v instanceof Float || v instanceof Double) {
      return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
    }
    if (v instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    return String.valueOf(v);
  }

  /** {@code finetune}'s options: {@code --lr}, {@code --batch}, ... */
  static final class Finetune extends DistillationDefaults {
    Finetune() {
      super("--");
    }
  }

  /** {@code tune}'s fine-tuning options: {@code --finetune-lr}. */
  static final class Tune extends DistillationDefaults {
    Tune() {
      super("--finetune-");
    }
  }
}
