package org.casfs.tools.command;

import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A neighbour's base URL ({@code peer --peers}), checked when the command line is read: a URL
 * that cannot name a source (no host, a port that is no number or out of range, not http) is bad
 * usage, said with the URL, before anything starts. Stateless.
 */
final class UrlArgument implements ITypeConverter<String> {
  @Override
  public String convert(String url) {
    try {
      HttpSource.checkUrl(url);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
    return url;
  }

  /**
   * A source to pull or repair from: a URL, checked as above, or a folder written by {@code casfs
   * mirror} (whose absence the command reports).
   */
  static final class OrFolder implements ITypeConverter<String> {
    @Override
    public String convert(String urlOrFolder) {
      try {
        Puller.sourceFor(urlOrFolder, PullConfig.defaults());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      } catch (RuntimeException e) {
        // a folder whose path cannot be spelled: the command's own Path handling says so
      }
      return urlOrFolder;
    }
  }
}
