package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A custom class loader: the filter is itself a {@code ClassLoader} (whose parent is the host's
 * application loader, not the domain's) and defines a class from the bytes of each packet, then
 * runs it as a filter: code smuggled in as data, which the verifier never saw. Ordinary packets
 * are not class files, so here {@code defineClass} throws {@code ClassFormatError}.
 *
 * <p>Represents: class loader attacks on the Java sandbox (Dean, Felten and Wallach 1996, Java
 * Security: From HotJava to Netscape and Beyond; Holzinger et al. 2016).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The {@code ClassFormatError} propagates into the kernel (with a
 *       crafted packet, the smuggled class would run unverified).
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses a class loader subclass and {@code defineClass}.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "extends ClassLoader and defines classes from packet bytes",
        reference = "Dean, Felten and Wallach 1996, IEEE S&P, Java Security: From HotJava to Netscape and Beyond: class loader attacks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.REJECTED)
public final class CustomClassLoader extends ClassLoader implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        byte[] code = new byte[length];
        for (int i = 0; i < length; i++) {
            code[i] = ctx.memory().load8(packet + i);
        }
        Class<?> smuggled = defineClass(null, code, 0, length);
        try {
            PacketFilter inner = (PacketFilter) smuggled.getDeclaredConstructor().newInstance();
            return inner.filter(ctx, packet, length);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
