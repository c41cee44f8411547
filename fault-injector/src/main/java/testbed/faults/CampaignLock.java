package testbed.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a campaign's output directory, held while the campaign writes there, so
 * that two campaigns started into one directory at the same instant cannot interleave their
 * trial logs: the second is refused. The lock is the operating system's ({@link FileLock} on
 * {@value #FILE_NAME}), so it is released when its holder exits however it exits, and a stale
 * lock file from a killed campaign locks nothing.
 */
public final class CampaignLock implements AutoCloseable {
    /** The lock file in the output directory; it names the holder's process id. */
    public static final String FILE_NAME = "campaign.lock";

    /** The directory is locked by another campaign. */
    public static final class HeldException extends IOException {
        HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private CampaignLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir}, which must exist.
     *
     * @throws HeldException if another campaign (in this process or another) holds it; the message names the directory and the holder
     * @throws IOException if the lock file cannot be created
     */
    public static CampaignLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String holder = holder(file);
            throw new HeldException(dir + " is in use by another campaign" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + ": wait for it to finish, or choose another --out");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new CampaignLock(channel, lock);
    }

    private static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Releases the lock; the file stays (removing it would race with a campaign that is just opening it). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
