package org.casfs.tools;

import picocli.CommandLine.IVersionProvider;

/** {@code casfs --version}: the version from the jar's manifest, or "development". */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Casfs.class.getPackage().getImplementationVersion();
    return new String[] {"casfs " + (v == null ? "0.1.0-SNAPSHOT" : v)};
  }
}
