package org.casfs.tools.command;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.casfs.sync.wire.RateLimit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A rate in bytes a second, as curl's {@code --limit-rate} and rsync's {@code --bwlimit} take it:
 * a number with an optional {@code k}, {@code M} or {@code G} (1024-based), e.g. {@code 500k},
 * {@code 1.5M}. Stateless.
 */
final class RateArgument implements ITypeConverter<RateLimit> {
  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kmg]?)");

  @Override
  public RateLimit convert(String value) {
    Matcher m = RATE.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a rate; give bytes a second such as 500k or 2M");
    }
    double scale = switch (m.group(2)) {
      case "k" -> 1024;
      case "m" -> 1024 * 1024;
      case "g" -> 1024.0 * 1024 * 1024;
      default -> 1;
    };
    double bytes = Double.parseDouble(m.group(1)) * scale;
    if (bytes < 1024 || bytes > 1L << 40) {
      throw new TypeConversionException("'" + value + "' is out of range; give 1k to 1024G bytes a second");
    }
    return new RateLimit((long) bytes);
  }
}
