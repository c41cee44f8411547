package testbed.faults;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Whether an unprotected extension class has a route to simulated memory that bypasses the
 * write monitor. Every access through the extension API is recorded; only native code, JDK
 * internals, reflection, method handles, class loaders and threads reach the array behind it
 * unrecorded. This scan is the trial runner's own, independent of the verifier under test, and
 * errs on the safe side: a class it cannot read counts as one that bypasses.
 */
final class MonitorBypass {
    /** Owners of calls, fields and types that lead past the extension API: packages end in a slash. */
    private static final String[] ROUTES = {"java/lang/Class", "java/lang/ClassLoader", "java/lang/reflect/",
            "java/lang/invoke/MethodHandle", "java/lang/invoke/MethodHandles", "java/lang/invoke/VarHandle",
            "java/lang/Module", "java/lang/Thread", "java/lang/instrument/", "java/util/concurrent/", "sun/",
            "jdk/internal/", "com/sun/"};

    private MonitorBypass() {
    }

    /** Whether {@code classBytes} may write memory without the monitor seeing it. */
    static boolean possible(byte[] classBytes) {
        Scan scan = new Scan();
        try {
            new ClassReader(classBytes).accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException unreadable) {
            return true;
        }
        return scan.found;
    }

    private static boolean route(String internalName) {
        if (internalName == null) {
            return false;
        }
        String name = internalName.replace("[", "");
        if (name.startsWith("L") && name.endsWith(";")) {
            name = name.substring(1, name.length() - 1);
        }
        for (String r : ROUTES) {
            boolean match = r.endsWith("/") ? name.startsWith(r) : name.equals(r) || name.startsWith(r + "$");
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static final class Scan extends ClassVisitor {
        boolean found;

        Scan() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            found |= route(superName);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            found |= descriptorRoute(descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            found |= (access & Opcodes.ACC_NATIVE) != 0 || descriptorRoute(descriptor);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                    found |= route(owner) || name.equals("getClass") || descriptorRoute(descriptor);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    found |= route(owner) || descriptorRoute(descriptor);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    found |= route(type);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    found |= value instanceof Type || value instanceof Handle h && route(h.getOwner());
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                    for (Object a : arguments) {
                        found |= a instanceof Handle h && route(h.getOwner());
                    }
                }
            };
        }

        private static boolean descriptorRoute(String descriptor) {
            for (int at = descriptor.indexOf('L'); at >= 0; at = descriptor.indexOf('L', at + 1)) {
                int end = descriptor.indexOf(';', at);
                if (end < 0) {
                    return false;
                }
                if (route(descriptor.substring(at + 1, end))) {
                    return true;
                }
                at = end;
            }
            return false;
        }
    }
}
