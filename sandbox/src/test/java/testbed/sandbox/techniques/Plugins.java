package testbed.sandbox.techniques;

import testbed.technique.Technique;

/**
 * Plug-in techniques for the tests, packed into jars by {@link PlugInJar}: one that works, and
 * one for each way a plug-in can go wrong while rewriting.
 */
public final class Plugins {
    private Plugins() {
    }

    /** Returns the class as it is: no confinement of its own, metered by the testbed. */
    public static final class PassThrough implements Technique {
        @Override
        public String name() {
            return "pass-through";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            return verifiedClass;
        }
    }

    /** Throws while rewriting. */
    public static final class Throws implements Technique {
        @Override
        public String name() {
            return "throws";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            throw new IllegalStateException("boom at " + Long.toHexString(segment.base()));
        }
    }

    /** Returns bytes that are no class file; the testbed's metering pass sees them first. */
    public static final class Garbage implements Technique {
        @Override
        public String name() {
            return "garbage";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            return "not a class file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Says it meters itself (so no pass of the testbed's reads its result) and returns a class file cut short, which the JVM refuses to define. */
    public static final class Unverifiable implements Technique {
        @Override
        public String name() {
            return "unverifiable";
        }

        @Override
        public boolean meters() {
            return true;
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            return java.util.Arrays.copyOf(verifiedClass, verifiedClass.length - 3);
        }
    }

    /** Never returns. */
    public static final class Loops implements Technique {
        @Override
        public String name() {
            return "loops";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            long n = 0;
            while (n >= 0) {
                n = (n + 1) & Long.MAX_VALUE;
            }
            return verifiedClass;
        }
    }

    /** Named like a built-in mode. */
    public static final class Impostor implements Technique {
        @Override
        public String name() {
            return "SFI_MASK";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            return verifiedClass;
        }
    }

    /** A name that could not be a column or part of a trial id. */
    public static final class BadName implements Technique {
        @Override
        public String name() {
            return "my tech~1";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Segment segment) {
            return verifiedClass;
        }
    }
}
