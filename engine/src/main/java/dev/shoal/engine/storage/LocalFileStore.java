package dev.shoal.engine.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object store in a local folder, the default backend of an embedded engine. The object at key
 * {@code a/b/c} is the file {@code <root>/a/b/c}; folders are created on write and removed when a
 * delete empties them (never the root).
 *
 * <h2>Atomicity and durability</h2>
 *
 * <ul>
 *   <li>{@link #put} writes a temporary file in the target folder, forces it to disk, renames it
 *       over the target ({@link StandardCopyOption#ATOMIC_MOVE}) and forces the folder. Readers see
 *       the old or the new object, never a mix; a reader that opened the old file keeps reading it
 *       whole.
 *   <li>{@link #putIfAbsent} writes and forces a temporary file, then hard-links the target to it.
 *       Creating a link fails if the target exists, atomically for every process on the host, so
 *       exactly one of many racing callers wins. Where the file system has no hard links, an
 *       exclusive rename is used instead if the platform offers one (Windows); otherwise the
 *       constructor fails, since there would be no atomic way to create-if-absent.
 *   <li>A crash leaves at most a temporary file (its name starts with {@code .}, which no key can).
 *       {@link #list} skips those, and opening a store deletes the ones older than an hour.
 * </ul>
 *
 * <p>Several processes on one host may share a folder. Sharing it between hosts over a network file
 * system is not supported.
 *
 * <h2>Limits of a file system</h2>
 *
 * A key cannot name an object and a folder at once: with an object at {@code a}, writing {@code
 * a/b} fails (and the other way round) with a permanent {@link StorageException}. On a
 * case-insensitive file system, keys that differ only in case name the same object.
 *
 * <h2>Errors</h2>
 *
 * An {@link IOException} becomes a {@link StorageException} naming the key and the store. It is
 * transient unless retrying cannot help: access denied, a read-only file system, a name too long,
 * or a key that collides with a folder.
 *
 * <p>Thread-safe: the instance holds no mutable state; the file system arbitrates.
 */
public final class LocalFileStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFileStore.class);

  static final String TEMP_PREFIX = ".shoal-";
  static final String TEMP_SUFFIX = ".tmp";
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  /** How often a write re-creates folders that a concurrent delete removed as empty. */
  private static final int MAX_FOLDER_ATTEMPTS = 16;

  /** strerror texts of faults that a retry cannot fix. */
  private static final Set<String> PERMANENT_REASONS =
      Set.of(
          "Read-only file system",
          "File name too long",
          "Not a directory",
          "Is a directory",
          "Too many levels of symbolic links");

  private enum CreateStrategy {
    HARD_LINK,
    /** {@code Files.move} without REPLACE_EXISTING: atomic and exclusive only on Windows. */
    EXCLUSIVE_RENAME
  }

  private final Path root;
  private final String description;
  private final boolean syncFolders;
  private final CreateStrategy createStrategy;

  /**
   * Opens the store in {@code root}, creating the folder if needed, checks that it can create
   * objects atomically, and walks it to delete temporary files older than an hour that crashed
   * writers left behind.
   *
   * @throws IllegalArgumentException if {@code root} exists and is not a folder
   * @throws StorageException if the folder cannot be created or written, or if the file system
   *     offers no atomic create-if-absent
   */
  public LocalFileStore(Path root) {
    requireNonNull(root, "root is null");
    this.root = root.toAbsolutePath().normalize();
    this.description = fileUri(this.root);
    try {
      Files.createDirectories(this.root);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("Cannot open store " + description + ": not a folder", e);
    } catch (IOException e) {
      throw failure("open store " + description, e);
    }
    this.syncFolders = canSyncFolder(this.root);
    this.createStrategy = probeCreateStrategy();
    deleteStaleTempFiles(System.currentTimeMillis() - STALE_TEMP_AGE.toMillis());
  }

  /** The folder holding the objects, absolute and normalized. */
  public Path root() {
    return root;
  }

  @Override
  public byte[] get(String key) {
    Path path = path(key);
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw readFailure("get object " + key + " from " + description, key, path, e);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    Path path = path(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Cannot read range of " + key + ": offset " + offset + " and length " + length);
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return new byte[0];
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, size - offset));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          break;
        }
      }
      return buffer.hasRemaining()
          ? Arrays.copyOf(buffer.array(), buffer.position())
          : buffer.array();
    } catch (IOException e) {
      throw readFailure(
          "read " + length + " bytes at " + offset + " of object " + key + " from " + description,
          key,
          path,
          e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Path path = path(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return attributes.isRegularFile()
          ? Optional.of(
              new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toMillis()))
          : Optional.empty();
    } catch (IOException e) {
      if (isAbsent(path, e)) {
        return Optional.empty();
      }
      throw failure("stat object " + key + " in " + description, e);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    Path target = path(key);
    String action = "put object " + key + " to " + description;
    Path temp = writeTemp(action, target, data);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      syncFolder(target.getParent());
    } catch (IOException | ReadOnlyFileSystemException e) {
      StorageException failure = writeFailure(action, target, e);
      deleteTemp(temp, failure);
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    Path target = path(key);
    String action = "create object " + key + " in " + description;
    Path temp = writeTemp(action, target, data);
    boolean created;
    try {
      created = createFrom(temp, target);
      if (created) {
        syncFolder(target.getParent());
      }
    } catch (IOException | ReadOnlyFileSystemException e) {
      StorageException failure = writeFailure(action, target, e);
      deleteTemp(temp, failure);
      throw failure;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // The outcome is decided; start-up cleaning removes the leftover after an hour.
      LOG.warn("Cannot delete temporary file {} after creating object {}", temp, key, e);
    }
    return created;
  }

  @Override
  public void delete(String key) {
    Path path = path(key);
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) || !Files.deleteIfExists(path)) {
        return;
      }
    } catch (IOException | ReadOnlyFileSystemException e) {
      if (e instanceof IOException io && isAbsent(path, io)) {
        return;
      }
      throw failure("delete object " + key + " from " + description, e);
    }
    // Not forced to disk: a crash that undoes a delete leaves what a crash just before it would.
    deleteEmptyFolders(path.getParent());
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    ObjectKeys.validatePrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    String folderKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    List<ObjectInfo> objects = new ArrayList<>();
    try {
      collect(listingFolder(prefix), folderKey, prefix.substring(slash + 1), objects);
    } catch (IOException e) {
      throw failure("list objects under prefix '" + prefix + "' in " + description, e);
    } catch (DirectoryIteratorException e) {
      throw failure("list objects under prefix '" + prefix + "' in " + description, e.getCause());
    }
    // A walk yields "a/b" before "a-b"; callers expect plain key order.
    objects.sort(Comparator.comparing(ObjectInfo::key));
    return objects;
  }

  @Override
  public String describe() {
    return description;
  }

  /** The deepest folder that {@code prefix} names in full: the only one a listing walks. */
  Path listingFolder(String prefix) {
    int slash = prefix.lastIndexOf('/');
    return slash < 0 ? root : root.resolve(prefix.substring(0, slash));
  }

  private Path path(String key) {
    // A valid key has no "." or ".." segment and no separator but '/', so it stays under root.
    return root.resolve(ObjectKeys.validate(key));
  }

  private void collect(Path folder, String folderKey, String namePrefix, List<ObjectInfo> out)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String key = folderKey + name;
        if (!name.startsWith(namePrefix) || !ObjectKeys.isValid(key)) {
          continue; // temporary files start with '.', which no valid key does
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted while listing
        }
        if (attributes.isDirectory()) {
          collect(entry, key + "/", "", out);
        } else if (attributes.isRegularFile()) {
          out.add(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toMillis()));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // No such folder, a concurrent delete removed it, or the prefix names an object: no match.
    }
  }

  /**
   * Writes {@code data} to a new temporary file next to {@code target} and forces it to disk.
   * Creates the target's folders, again if a concurrent delete removes them as empty meanwhile.
   */
  private Path writeTemp(String action, Path target, byte[] data) {
    Path folder = target.getParent();
    for (int attempt = 1; ; attempt++) {
      Path temp = folder.resolve(tempName());
      try {
        createFolders(folder);
        try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(data);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          channel.force(true);
        }
        return temp;
      } catch (NoSuchFileException e) {
        if (attempt == MAX_FOLDER_ATTEMPTS) {
          throw failure(action, e);
        }
      } catch (IOException | ReadOnlyFileSystemException e) {
        StorageException failure = writeFailure(action, target, e);
        deleteTemp(temp, failure);
        throw failure;
      }
    }
  }

  /** Like {@link Files#createDirectories}, but forces each new entry to disk. */
  private void createFolders(Path folder) throws IOException {
    if (folder.equals(root) || Files.isDirectory(folder)) {
      return;
    }
    createFolders(folder.getParent());
    try {
      Files.createDirectory(folder);
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(folder)) {
        return; // a concurrent writer created it
      }
      if (Files.notExists(folder, LinkOption.NOFOLLOW_LINKS)) {
        // Created by a concurrent writer and removed, empty, by a concurrent delete in between:
        // the caller's retry creates it again.
        throw new NoSuchFileException(folder.toString());
      }
      throw e; // an object of that name is in the way
    }
    syncFolder(folder.getParent());
  }

  /** Links {@code target} to the fully written {@code temp} unless {@code target} exists. */
  private boolean createFrom(Path temp, Path target) throws IOException {
    try {
      if (createStrategy == CreateStrategy.HARD_LINK) {
        Files.createLink(target, temp);
      } else {
        Files.move(temp, target);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw e; // a folder is not an object: report the collision
      }
      return false;
    }
  }

  private void deleteEmptyFolders(Path folder) {
    for (Path f = folder; f != null && !f.equals(root) && f.startsWith(root); f = f.getParent()) {
      try {
        Files.delete(f);
      } catch (NoSuchFileException e) {
        // another delete removed it first; its parent may be empty now
      } catch (DirectoryNotEmptyException e) {
        return;
      } catch (IOException e) {
        // An empty folder left behind costs nothing; the object itself is gone.
        LOG.debug("Cannot remove empty folder {}", f, e);
        return;
      }
    }
  }

  private void deleteTemp(Path temp, StorageException failure) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException | ReadOnlyFileSystemException e) {
      failure.addSuppressed(e);
    }
  }

  private void syncFolder(Path folder) throws IOException {
    if (syncFolders) {
      try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  private static String tempName() {
    return TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
  }

  /** Windows cannot open a folder as a channel; NTFS journals the entries instead. */
  private static boolean canSyncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
      return true;
    } catch (IOException e) {
      LOG.debug("Folder {} cannot be forced to disk; relying on the file system", folder, e);
      return false;
    }
  }

  private CreateStrategy probeCreateStrategy() {
    Path probe = root.resolve(tempName());
    Path link = root.resolve(tempName());
    try {
      Files.write(probe, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.createLink(link, probe);
        return CreateStrategy.HARD_LINK;
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (e instanceof AccessDeniedException denied) {
          throw denied;
        }
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
          return CreateStrategy.EXCLUSIVE_RENAME;
        }
        throw new StorageException(
            "Cannot open store "
                + description
                + ": the file system has no hard links, so objects cannot be created atomically"
                + " if absent, which Shoal needs to commit safely; use a local file system such as"
                + " ext4, XFS, APFS or NTFS ("
                + e
                + ")",
            false,
            e);
      } finally {
        Files.deleteIfExists(link);
        Files.deleteIfExists(probe);
      }
    } catch (IOException | ReadOnlyFileSystemException e) {
      throw failure("open store " + description + ": cannot write to it", e);
    }
  }

  /** Best effort: a file that cannot be deleted now is tried again at the next start. */
  private void deleteStaleTempFiles(long olderThanMillis) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              String name = file.getFileName().toString();
              if (name.startsWith(TEMP_PREFIX)
                  && name.endsWith(TEMP_SUFFIX)
                  && attributes.lastModifiedTime().toMillis() < olderThanMillis) {
                try {
                  Files.deleteIfExists(file);
                  LOG.info("Deleted temporary file {} left by an interrupted write", file);
                } catch (IOException e) {
                  LOG.warn("Cannot delete stale temporary file {}", file, e);
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              LOG.debug("Cannot visit {} while looking for stale temporary files", file, e);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("Cannot look for stale temporary files in {}", root, e);
    }
  }

  private StorageException readFailure(String action, String key, Path path, IOException e) {
    if (isAbsent(path, e)) {
      return new ObjectNotFoundException(key);
    }
    return failure(action, e);
  }

  private StorageException writeFailure(String action, Path target, Exception e) {
    if (e instanceof FileAlreadyExistsException || Files.isDirectory(target)) {
      return new StorageException(
          "Cannot "
              + action
              + ": the key collides with an object or folder of the same name (on a file system a"
              + " key cannot name an object and a folder at once): "
              + reason(e),
          false,
          e);
    }
    return failure(action, e);
  }

  /** Whether {@code e} means there is no object at {@code path}, as opposed to a fault. */
  private static boolean isAbsent(Path path, IOException e) {
    return e instanceof NoSuchFileException
        || (!(e instanceof AccessDeniedException) && !Files.isRegularFile(path));
  }

  private static StorageException failure(String action, Exception e) {
    return new StorageException("Cannot " + action + ": " + reason(e), isTransient(e), e);
  }

  private static boolean isTransient(Exception e) {
    if (e instanceof AccessDeniedException || e instanceof ReadOnlyFileSystemException) {
      return false;
    }
    return !(e instanceof FileSystemException f && PERMANENT_REASONS.contains(f.getReason()));
  }

  private static String reason(Exception e) {
    if (e instanceof FileSystemException f) {
      String why = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return f.getFile() == null ? why : why + " (" + f.getFile() + ")";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static String fileUri(Path path) {
    String uri = path.toUri().toString();
    return uri.endsWith("/") && uri.length() > "file:///".length()
        ? uri.substring(0, uri.length() - 1)
        : uri;
  }
}
