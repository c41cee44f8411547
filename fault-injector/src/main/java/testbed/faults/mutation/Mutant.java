package testbed.faults.mutation;

import java.util.Optional;

/**
 * The result of a {@link BytecodeFault}: the class bytes to load and where they were changed.
 * A mutant without a {@link #site()} is the original class, unchanged, because the class had no
 * place this kind of fault applies to.
 */
public final class Mutant {
    private final byte[] classBytes;
    private final Site site;
    private final int candidates;

    private Mutant(byte[] classBytes, Site site, int candidates) {
        this.classBytes = classBytes;
        this.site = site;
        this.candidates = candidates;
    }

    /** The original class, unchanged: no site applies. */
    static Mutant unchanged(byte[] original) {
        return new Mutant(original.clone(), null, 0);
    }

    /** A class mutated at {@code site}, chosen among {@code candidates} sites. */
    static Mutant at(byte[] mutated, Site site, int candidates) {
        return new Mutant(mutated, site, candidates);
    }

    /** A copy of the class file to load: mutated, or the original if there was no site. */
    public byte[] classBytes() {
        return classBytes.clone();
    }

    /** Whether the class was changed. */
    public boolean mutated() {
        return site != null;
    }

    /** The site changed, or empty if the class has no site for this kind. */
    public Optional<Site> site() {
        return Optional.ofNullable(site);
    }

    /** How many sites this kind could have chosen in the class; 0 when unchanged. */
    public int candidates() {
        return candidates;
    }

    /** {@code method@instruction: change}, or {@code no applicable site}. */
    @Override
    public String toString() {
        return site == null ? "no applicable site" : site.toString();
    }

    /**
     * Where a mutation was made.
     *
     * @param method the method's name, e.g. {@code filter}
     * @param descriptor the method's descriptor, e.g. {@code (Ltestbed/kernel/api/Context;JI)I}
     * @param instruction index of the original instruction the mutation replaced or was inserted
     *     before, counting instructions only (labels, frames and line numbers not counted), as the
     *     sandbox's verifier and rewriter count them in their diagnostics
     * @param change what was done, e.g. {@code IF_ICMPGE -> IF_ICMPGT}
     */
    public record Site(String method, String descriptor, int instruction, String change) {

        @Override
        public String toString() {
            return method + "@" + instruction + ": " + change;
        }
    }
}
