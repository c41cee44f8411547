package testbed.corpus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an extension class as a corpus entry and carries its metadata.
 *
 * <p>Retention is {@link RetentionPolicy#CLASS}: the metadata lives in the class file and
 * {@link Corpus} reads it from the bytes without ever loading the (untrusted) class in the host.
 * It also means the annotation type is not needed at run time, so a fault domain's class loader
 * never has to resolve it. Every element is required: defaults would not be written to the class
 * file, so a reader of the bytes could not see them.
 *
 * <pre>{@code
 * @Entry(family = Family.MEMORY,
 *         threat = "stores through a wild pointer into the kernel's frame table",
 *         reference = "Wahbe et al. 1993, SOSP, Efficient Software-Based Fault Isolation: address sandboxing",
 *         expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
 *                   @Expect(mode = "SFI_MASK", outcome = Outcome.OK)},
 *         otherwise = Outcome.CONTAINED)
 * public final class WildStoreFrameTable implements PacketFilter { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Entry {

    /** The family; it must match the package the entry lives in. */
    Family family();

    /** One sentence: what the extension does wrong (or, for a benign control, what it does). */
    String threat();

    /** The published fault model or attack the entry represents: authors, year, venue, the idea. */
    String reference();

    /** Outcomes for the modes named here; each mode at most once. */
    Expect[] expect();

    /** The outcome for every mode not named in {@link #expect()}, including modes added later. */
    Outcome otherwise();
}
