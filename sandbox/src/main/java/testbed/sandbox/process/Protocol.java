package testbed.sandbox.process;

/**
 * The messages between the kernel's JVM (the parent) and the extension's process (the child):
 * big-endian {@link java.io.DataOutputStream} fields over the child's standard input and output,
 * one flush per message. Nothing is serialised as an object, so the child can make the parent do
 * nothing but what these fields say, and the parent checks each of them.
 *
 * <p>The conversation is strictly alternating: after {@link #CALL} the parent only answers
 * {@link #HELPER} requests until {@link #RETURN}, {@link #TRAP} or {@link #EXCEPTION} ends the
 * call. Whoever passes control also passes the segment pages the other side has not seen, as a
 * page set: {@code int count}, then per page {@code int index} (from the segment's base, in
 * {@value #PAGE_SIZE}-byte pages) and its {@value #PAGE_SIZE} bytes.
 *
 * <pre>
 * child  HELLO      int MAGIC, int VERSION                                    once, at start
 * parent DEFINE     int handle, UTF class, long base, long size, int length, bytes,
 *                   long fuel, long allocation bytes, int depth                (the initialiser's budget)
 * child  DEFINED | REFUSED byte reason, UTF error class, UTF message | TRAP ...
 * parent CALL       int handle, byte method, long a, long b, long fuel, long allocation bytes, int depth, pages
 * child  HELPER     byte helper, long a, long b, pages                       0..n times
 * parent RESULT     long value, pages                                         answers each HELPER
 * child  RETURN     long value, long fuel left, pages
 *      | TRAP       byte kind, UTF location, UTF detail, long fuel left, pages
 *      | EXCEPTION  UTF class, boolean has message, [UTF message], UTF location, long fuel left, pages
 * parent DROP       int handle                                                no answer
 * </pre>
 */
final class Protocol {
    /** "TBPR": the first word the child writes, so a parent never mistakes stray output for an answer. */
    static final int MAGIC = 0x54425052;
    static final int VERSION = 2;
    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** Strings the child sends are cut to this many characters: {@code writeUTF} takes at most 64 KiB. */
    static final int MAX_TEXT = 2000;

    // parent to child
    static final int DEFINE = 1;
    static final int CALL = 2;
    static final int RESULT = 3;
    static final int DROP = 4;

    // child to parent
    static final int DEFINED = 0x41;
    static final int REFUSED = 0x42;
    static final int HELPER = 0x43;
    static final int RETURN = 0x44;
    static final int TRAP = 0x45;
    static final int EXCEPTION = 0x46;

    // REFUSED reasons
    /** The JVM refused the class (a {@link LinkageError}): a JVM_VERIFICATION rejection. */
    static final int LINKAGE = 0;
    /** No public no-argument constructor: a SHAPE rejection. */
    static final int NO_CONSTRUCTOR = 1;

    // CALL methods: the constructor, and each hook method by its number in the hook table (Hook.Method.id(), from 1)
    static final int CONSTRUCT = 0;

    // HELPER ids: the Context helpers, in the order the interface declares them
    static final int ALLOC = 0;
    static final int FREE = 1;
    static final int SEND_PACKET = 2;
    static final int LOG = 3;
    static final int LOCK = 4;
    static final int UNLOCK = 5;
    static final int TIME = 6;
    static final int BIND_FRAME = 7;
    static final int RELEASE_FRAME = 8;

    private Protocol() {
    }

    static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
