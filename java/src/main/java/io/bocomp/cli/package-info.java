/**
 * The {@code bocomp} command line: one picocli command class per subcommand, the option groups
 * they share as mixins ({@code *Option}, {@code *Options}), and the progress and report output.
 *
 * <p>Help text lives beside the code, not in it: each command's description and its own options'
 * descriptions are in the resource bundle named by its {@code @Command(resourceBundle = ...)},
 * {@code src/main/resources/io/bocomp/cli/<Command>.properties}, keyed by the option's long name
 * without dashes ({@code usage.description.N} for the command). The shared mixins keep their
 * descriptions inline, as they serve every command alike. Defaults shown by
 * {@code ${DEFAULT-VALUE}} come from the annotation or, for fine-tuning, from
 * {@code DistillationDefaults}. {@code docs/cli.md} is checked against the rendered
 * help by {@code CliReferenceTest}.
 */
package io.bocomp.cli;
