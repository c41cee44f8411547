package testbed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Failures of the output directory's file system (a full disk, a path under {@code /proc}, a
 * file where a directory should be) are the user's environment, not the tool's fault: one line
 * saying what to fix and how to go on, exit code 2. What was written stays as it was.
 */
final class OutputTrouble {
    private OutputTrouble() {
    }

    /**
     * The user's error for {@code failure} while writing into {@code dir}, or null when the
     * failure is not the output's (then it is the tool's, and stays an internal error).
     */
    static Testbed.UserError of(Throwable failure, Path dir, String resumeHint) {
        Throwable e = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        if (!(e instanceof IOException io)) {
            return null;
        }
        String reason = io instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : io instanceof NoSuchFileException ? "no such file or directory: a file system that takes no new files, as /proc, or a directory removed meanwhile"
                : io instanceof FileSystemException ? io.getClass().getSimpleName() : String.valueOf(io.getMessage());
        String file = io instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : dir.toString();
        String lower = reason.toLowerCase(Locale.ROOT);
        String what;
        if (lower.contains("no space left") || lower.contains("quota")) {
            what = "the disk holding " + dir + " is full (" + reason + "): free some space";
        } else if (io instanceof FileAlreadyExistsException || io instanceof NotDirectoryException || lower.contains("not a directory")) {
            what = file + " is a file where a directory should be: move it away or choose another --out";
        } else if (io instanceof AccessDeniedException || lower.contains("read-only") || lower.contains("permission denied")) {
            what = "cannot write " + file + " (" + reason + "): choose a --out you may write to";
        } else if (io instanceof FileSystemException) {
            what = "cannot write " + file + " (" + reason + "): choose a --out on a writable disk";
        } else {
            return null;
        }
        boolean started = Files.isRegularFile(dir.resolve(CampaignFile.NAME));
        return new Testbed.UserError(what + (started ? "; what was written is kept: continue with " + resumeHint + " " + dir
                : "; then run it again"));
    }
}
