package testbed.sfi.verify;

import testbed.sfi.MemoryAccess;

/**
 * The rule of {@code VERIFIED}'s strict variant, as the Linux eBPF verifier applies it: a class
 * loads only if every one of its {@code Memory} accesses is a checked {@link Proof.Fact}. What the
 * proof cannot show inside the segment is refused with one line naming the access and the reason,
 * instead of keeping a run-time guard. Trusted base: it reads the class again and counts on nothing
 * but the proof's facts, which the {@link ProofChecker} has accepted.
 */
public final class StrictRule {
    private StrictRule() {
    }

    /**
     * Why the class must be refused: the first access (in class-file order, then instruction order)
     * that the proof leaves guarded, or null if every access is proven.
     *
     * @param classBytes the class the checked {@code proof} is for
     * @return e.g. {@code pkg.Ext.filter@24 store32 (4-byte store) is not proven inside the segment:
     *     address base+[0, 65535] (4 bytes) may leave the segment}
     */
    public static String refusal(byte[] classBytes, Proof proof) {
        ClassShape shape = ClassShape.read(classBytes);
        String className = shape.name.replace('/', '.');
        for (Code code : shape.methods.values()) {
            String key = code.name + code.descriptor;
            Proof.MethodProof method = proof.method(key);
            for (int i = 0; i < code.size(); i++) {
                Code.Insn insn = code.at(i);
                MemoryAccess access = insn.opcode() == net.bytebuddy.jar.asm.Opcodes.INVOKEINTERFACE
                        ? MemoryAccess.of(insn.owner(), insn.name(), insn.descriptor()) : null;
                if (access == null || method != null && method.factAt(i) != null) {
                    continue;
                }
                return className + "." + code.name + "@" + i + " " + access.method + " (" + width(access)
                        + ") is not proven inside the segment: " + reason(proof, method, key, i).replaceAll("\\s+", " ");
            }
        }
        return null;
    }

    private static String width(MemoryAccess access) {
        return access == MemoryAccess.COPY ? "copy of a length given at run time"
                : access.width + "-byte " + (access.store ? "store" : "load");
    }

    private static String reason(Proof proof, Proof.MethodProof method, String key, int index) {
        if (method == null) {
            String why = proof.unfollowed().get(key);
            return "the analysis proves nothing in this method: " + (why == null ? "it does not cover it" : why);
        }
        for (Proof.Unproven u : method.unproven()) {
            if (u.index() == index) {
                return u.reason();
            }
        }
        return "the proof claims nothing for it";
    }
}
