package io.bocomp.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest (falls back to "dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"bocomp " + (v == null ? "dev" : v),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
  }
}
