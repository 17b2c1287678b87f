package org.casfs.tools.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.CliException;
import org.casfs.tools.Format;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs show VERSION|OBJECT [PATH]}: any object in human-readable form (a manifest's
 * fields, a tree's entries, a blob's size and hashes), or the entry at PATH of a version.
 */
@Command(name = "show", description = "Show a version, any object by id (prefix), or the entry at PATH of a version.")
public final class ShowCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "VERSION|OBJECT", description = "a version, or an object id or unique prefix")
  String what;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "a path inside the version")
  String path;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      if (path != null) {
        ObjectId id = open.resolve(what);
        Entry e = Paths.lookup(Snapshot.open(repo.objectDatabase(), id), path, what, false);
        showEntry(e, Paths.printable(path));
        if (e.isDirectory()) {
          out().println();
          showTree(repo, e.childId());
        }
        return;
      }
      ObjectInfo info = objectOrNull(open);
      if (info == null) {
        ObjectId id = open.resolve(what);
        info = repo.objects().statOrNull(id);
        if (info == null) {
          throw CliException.usage("version " + what + " (" + id.name() + ") is not in this repository (gc removed it,"
              + " or it was never pulled); 'casfs log' shows the versions it has");
        }
      }
      switch (info.type()) {
        case MANIFEST -> showManifest(repo, info.id());
        case TREE -> showTree(repo, info.id());
        case BLOB -> showBlob(repo, info);
      }
    }
  }

  private ObjectInfo objectOrNull(OpenRepo open) throws IOException {
    if (!OpenRepo.looksLikeId(what) || open.txn().resolver().namesRefOrLabel(what)) {
      return null; // a ref or label (an old one of hex digits) before a prefix, as every VERSION is read

    }
    List<ObjectInfo> hits = open.objectsWithPrefix(what);
    if (hits.size() > 1) {
      throw CliException.usage("object prefix '" + what + "' is ambiguous (" + hits.size()
          + " objects start with it); type more digits");
    }
    return hits.isEmpty() ? null : hits.get(0);
  }

  private void showManifest(Repository repo, ObjectId id) throws IOException {
    Manifest m = repo.objectDatabase().readManifest(id);
    PrintWriter out = out();
    out.println("manifest  " + id);
    out.println("channel   " + m.channel());
    out.println("sequence  " + m.sequence());
    out.println("label     " + (m.label().isEmpty() ? "(none)" : m.label()));
    out.println("parent    " + (m.parent() == null ? "(none)" : m.parent().name()));
    out.println("created   " + Format.timeMillis(m.createdMillis()) + " UTC");
    out.println("root      tree " + m.rootId() + " sha256 " + m.root().sha256());
    out.println("root dir  " + metaLine(m.rootMeta()));
  }

  private void showTree(Repository repo, ObjectId id) throws IOException {
    Tree t = repo.objectDatabase().readTree(id);
    PrintWriter out = out();
    out.println("tree " + id + "  " + t.size() + " entries");
    for (Entry e : t.entries()) {
      String child = e.childId() == null ? "" : "  " + (e.isDirectory() ? "tree " : "blob ") + e.childId();
      out.println(Format.lsLine(e, Paths.links(repo.objectDatabase(), e), e.name().printable()) + child);
    }
  }

  private void showBlob(Repository repo, ObjectInfo info) throws IOException {
    PrintWriter out = out();
    out.println("blob      " + info.id());
    out.println("size      " + info.size() + " (" + Sizes.bytes(info.size()) + ")");
    out.println("sha256    " + info.sha256());
    var loose = repo.objects().loosePathOrNull(info.id());
    out.println("stored    " + (loose == null ? "inline in the index" : "loose file " + loose));
  }

  private void showEntry(Entry e, String shownPath) {
    PrintWriter out = out();
    out.println("path      " + shownPath);
    out.println("type      " + e.type().name().toLowerCase().replace('_', ' '));
    out.println("meta      " + metaLine(e.meta()));
    out.println("size      " + Format.sizeColumn(e));
    if (e.linkGroup() != 0) {
      out.println("hardlink  group " + e.linkGroup() + ", " + e.nlink() + " links");
    }
    if (e.child() != null) {
      out.println((e.isDirectory() ? "tree      " : "blob      ") + e.childId() + " sha256 " + e.child().sha256());
    }
    if (e.target() != null) {
      out.println("target    " + Name.printable(e.target()));
    }
    for (String name : e.meta().xattrs().names()) {
      out.println("xattr     " + xattrName(name) + "=" + printableValue(e.meta().xattrs().getOrNull(name)));
    }
  }

  private static String metaLine(Metadata m) {
    return String.format("mode %04o  uid %d  gid %d  mtime %s (%d ns)%s", m.mode(), m.uid(), m.gid(),
        Format.time(m.mtimeNanos()), m.mtimeNanos(), m.xattrs().isEmpty() ? ""
            : "  xattrs " + xattrNames(m));
  }

  private static String xattrNames(Metadata m) {
    StringJoiner names = new StringJoiner(", ", "[", "]");
    for (String name : m.xattrs().names()) {
      names.add(xattrName(name));
    }
    return names.toString();
  }

  /** An attribute's name (one char per byte) escaped as names are: it may be any bytes but NUL. */
  private static String xattrName(String name) {
    return Name.printable(name.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String printableValue(byte[] v) {
    String s = new String(v, StandardCharsets.UTF_8);
    boolean text = s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && v.length > 0;
    return text ? "\"" + s + "\"" : "0x" + HexFormat.of().formatHex(v);
  }
}
