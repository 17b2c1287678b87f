package org.casfs.tools.command;

import java.util.Set;
import org.casfs.cas.Manifest;
import org.casfs.txn.VersionResolver;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A label for a new version ({@code import --label}, {@code commit --label}): one that a VERSION
 * argument can name afterwards. Refused: empty or blank, longer than {@link Manifest#MAX_LABEL},
 * control characters, a ref's name ({@code current}, {@code previous}, {@code staged}) or prefix
 * ({@code pin/}, {@code label/}), a {@code ~} ({@code REF~N}), and hex digits as many as
 * {@link VersionResolver#MIN_PREFIX} or more (an id, or a prefix of one: {@code 839a} was taken,
 * and then {@code show 839a} showed the object of that prefix while {@code switch 839a} switched
 * to the labelled version), since each would read as something else. Stateless.
 */
final class LabelArgument implements ITypeConverter<String> {
  private static final Set<String> REFS = Set.of("current", "previous", "staged");

  @Override
  public String convert(String label) {
    if (label.isBlank()) {
      throw new TypeConversionException("a label must not be empty; leave --label out for none");
    }
    if (label.length() > Manifest.MAX_LABEL || label.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new TypeConversionException("bad label; use at most " + Manifest.MAX_LABEL + " printable characters");
    }
    if (REFS.contains(label) || label.startsWith("pin/") || label.startsWith("label/") || label.contains("~")
        || VersionResolver.readsAsIdPrefix(label)) {
      throw new TypeConversionException("label '" + label + "' would read as a ref, REF~N, a version id or an id"
          + " prefix, not as the label; choose another (without '~', not current, previous, staged, pin/...,"
          + " label/..., nor " + VersionResolver.MIN_PREFIX + " or more of the digits 0-9 and a-f alone)");
    }
    return label;
  }
}
