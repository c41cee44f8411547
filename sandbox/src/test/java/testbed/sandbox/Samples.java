package testbed.sandbox;

import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

/** Small extensions the sandbox tests load; each is one public nested class, as the verifier wants. */
public final class Samples {
    private Samples() {
    }

    /** Reads its packet as (address, value, width) records and stores each: the wild-store driver. */
    public static final class Scribbler implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            for (int off = 0; off + 17 <= length; off += 17) {
                long address = mem.load64(packet + off);
                long value = mem.load64(packet + off + 8);
                int width = mem.load8(packet + off + 16) & 3;
                if (width == 0) {
                    mem.store8(address, (byte) value);
                } else if (width == 1) {
                    mem.store16(address, (short) value);
                } else if (width == 2) {
                    mem.store32(address, (int) value);
                } else {
                    mem.store64(address, value);
                }
            }
            return 0;
        }
    }

    /** Reads (destination, source, length) from its packet and copies. */
    public static final class Copier implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            if (length >= 24) {
                mem.copy(mem.load64(packet), mem.load64(packet + 8), mem.load64(packet + 16));
            }
            return 0;
        }
    }

    /** A well-behaved filter: internet checksum of the packet, delivered only if it is even. */
    public static final class EvenChecksum implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long sum = 0;
            int i = 0;
            for (; i + 1 < length; i += 2) {
                sum += mem.load16(packet + i) & 0xFFFF;
            }
            if (i < length) {
                sum += mem.load8(packet + i) & 0xFF;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            long scratch = ctx.segmentBase() + ctx.segmentSize() - 8;
            mem.store64(scratch, sum);
            return (mem.load64(scratch) & 1) == 0 ? length : 0;
        }
    }

    /** A well-behaved read filter: keeps the bytes below 0x80, compacted. */
    public static final class LowBytes implements ReadFilter {
        @Override
        public int filter(Context ctx, long buffer, int length) {
            Memory mem = ctx.memory();
            int kept = 0;
            for (int i = 0; i < length; i++) {
                byte b = mem.load8(buffer + i);
                if (b >= 0) {
                    mem.store8(buffer + kept, b);
                    kept++;
                }
            }
            return kept;
        }
    }

    /** Takes every kind of kernel resource through helpers, in a loop: the subject of abort tests. */
    public static final class Hoarder implements EventHandler {
        @Override
        public boolean guard(Context ctx, int event, long argument) {
            return true;
        }

        @Override
        public long handle(Context ctx, int event, long argument) {
            long message = ctx.segmentBase() + 64;
            ctx.memory().store64(message, 0x6b726f77L);
            long done = 0;
            for (int i = 0; i < 6; i++) {
                long block = ctx.alloc(256);
                int frame = ctx.bindFrame();
                int locked = ctx.lock(i);
                ctx.sendPacket(message, 60);
                ctx.log(message, 8);
                if (block > 0 && frame >= 0 && locked == 0) {
                    done++;
                }
                ctx.unlock(i);
            }
            return done;
        }
    }

    /** Calls a helper for ever, counting the calls in its segment's first word. */
    public static final class HelperSpinner implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            long calls = 0;
            while (calls >= 0) {
                ctx.time();
                calls++;
                ctx.memory().store64(ctx.segmentBase(), calls);
            }
            return 0;
        }
    }

    /** Never returns. */
    public static final class Spinner implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            long x = 0;
            while (x >= 0) {
                x = (x + 1) & 0xFFFF;
            }
            return (int) x;
        }
    }

    /** Recurses without end. */
    public static final class Recurser implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            return filter(ctx, packet, length + 1) + 1;
        }
    }

    /** Allocates until something stops it. */
    public static final class Bomb implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            long[][] keep = new long[1 << 16][];
            for (int i = 0; ; i++) {
                keep[i & 0xFFFF] = new long[1 << 20];
            }
        }
    }

    /** Switches the machine off, and tries again through the runtime if that returned. */
    public static final class Exiter implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            try {
                System.exit(3);
            } catch (Throwable ignored) {
                Runtime.getRuntime().halt(4);
            }
            return length;
        }
    }

    /** Stores a long whose last four bytes lie past the segment's end. */
    public static final class Straddler implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            ctx.memory().store64(ctx.segmentBase() + ctx.segmentSize() - 4, -1L);
            return length;
        }
    }

    /** {@link Straddler}'s store inside {@code catch (RuntimeException)}, which would swallow the machine's fault. */
    public static final class CatchingStraddler implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            try {
                ctx.memory().store64(ctx.segmentBase() + ctx.segmentSize() - 4, -1L);
            } catch (RuntimeException swallowed) {
                return 0;
            }
            return length;
        }
    }

    /** Divides by zero. */
    public static final class Thrower implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            return length / (length - length);
        }
    }

    /** Catches everything and keeps going: must not survive a trap. */
    public static final class Catcher implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            int n = 0;
            while (true) {
                try {
                    while (true) {
                        n++;
                    }
                } catch (Throwable t) {
                    n--;
                }
            }
        }
    }

    /** Returns holding a kernel lock. */
    public static final class LockHolder implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            ctx.lock(3);
            return length;
        }
    }

    /** Binds frames at start and will not give them back. */
    public static final class Stubborn implements LibraryOs {
        @Override
        public void start(Context ctx) {
            for (int i = 0; i < 4; i++) {
                ctx.bindFrame();
            }
        }

        @Override
        public int revoke(Context ctx, int frames) {
            return frames;
        }
    }

    /** Counts its own calls in an instance field: per-domain state, allowed. */
    public static final class Counter implements PacketFilter {
        private int calls;

        @Override
        public int filter(Context ctx, long packet, int length) {
            calls++;
            return calls;
        }
    }

    /** Mutable static state: refused by the verifier, so only the unprotected mode can load it. */
    public static final class StaticCounter implements PacketFilter {
        static int count;

        @Override
        public int filter(Context ctx, long packet, int length) {
            return ++count;
        }
    }

    /** Counts packets inside {@code synchronized (this)}: a monitor on its own instance only. */
    public static final class LocksItself implements PacketFilter {
        private int seen;

        @Override
        public int filter(Context ctx, long packet, int length) {
            synchronized (this) {
                seen += 1;
                return length;
            }
        }
    }
}
