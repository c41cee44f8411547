package testbed.sandbox.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** The second pass over a class: a {@link MethodCheck} for every method's code. */
final class CodeCheck extends ClassVisitor {
    private final Declarations self;
    private final Allowlist allowlist;
    private final boolean enforce;
    private final Set<String> trapCatchers;
    private final Set<String> helpers = new TreeSet<>();
    private final List<VerifiedClass.MethodFacts> methods = new ArrayList<>();

    CodeCheck(Declarations self, Allowlist allowlist, boolean enforce, Set<String> trapCatchers) {
        super(Opcodes.ASM9);
        this.self = self;
        this.allowlist = allowlist;
        this.enforce = enforce;
        this.trapCatchers = trapCatchers;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        return new MethodCheck(self, allowlist, enforce, trapCatchers, helpers, methods, access, name, descriptor);
    }

    /** Facts about every method with code, in declaration order. */
    List<VerifiedClass.MethodFacts> methods() {
        return Collections.unmodifiableList(methods);
    }

    /** Names of the {@code Context} helpers the class calls. */
    Set<String> helpers() {
        return Collections.unmodifiableSet(helpers);
    }
}
