package testbed.corpus;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * What discovery needs to know about one class file, read from its bytes with ASM. Nothing here
 * loads, links or initialises the class: an entry's code never runs in the host.
 */
final class ClassFacts {
    private static final String ENTRY = Type.getDescriptor(Entry.class);
    private static final String EXPECT = Type.getDescriptor(Expect.class);

    String internalName;
    int access;
    String superName;
    String[] interfaces = new String[0];
    boolean publicNoArgConstructor;
    /** The enclosing class if this one is nested, local or anonymous; else {@code null}. */
    String enclosing;
    final List<String> nestMembers = new ArrayList<>();
    /** {@code null} when the class has no {@link Entry} annotation. */
    Metadata metadata;

    /** The raw contents of an {@link Entry} annotation; enum constants as their names. */
    static final class Metadata {
        String family;
        String threat;
        String reference;
        String otherwise;
        final List<String[]> expect = new ArrayList<>();
    }

    private ClassFacts() {
    }

    /**
     * Reads {@code bytes}.
     *
     * @throws IllegalArgumentException or another runtime exception if the bytes are not a class file
     */
    static ClassFacts read(byte[] bytes) {
        ClassFacts facts = new ClassFacts();
        new ClassReader(bytes).accept(facts.visitor(), ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return facts;
    }

    /** Binary name, dotted. */
    String className() {
        return internalName.replace('/', '.');
    }

    private ClassVisitor visitor() {
        return new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int acc, String name, String signature, String superClass, String[] ifaces) {
                internalName = name;
                access = acc;
                superName = superClass;
                interfaces = ifaces == null ? new String[0] : ifaces;
            }

            @Override
            public void visitNestHost(String nestHost) {
                enclosing = nestHost;
            }

            @Override
            public void visitOuterClass(String owner, String name, String descriptor) {
                enclosing = owner;
            }

            @Override
            public void visitNestMember(String nestMember) {
                nestMembers.add(nestMember);
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int acc) {
                // Pre-nestmate class files name their outer class only here.
                if (name.equals(internalName) && enclosing == null) {
                    enclosing = outerName == null ? "?" : outerName;
                }
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                if (!ENTRY.equals(descriptor)) {
                    return null;
                }
                metadata = new Metadata();
                return entryVisitor(metadata);
            }

            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature, String[] exceptions) {
                if (name.equals("<init>") && descriptor.equals("()V") && (acc & Opcodes.ACC_PUBLIC) != 0) {
                    publicNoArgConstructor = true;
                }
                return null;
            }
        };
    }

    private static AnnotationVisitor entryVisitor(Metadata m) {
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public void visit(String name, Object value) {
                if (name.equals("threat")) {
                    m.threat = (String) value;
                } else if (name.equals("reference")) {
                    m.reference = (String) value;
                }
            }

            @Override
            public void visitEnum(String name, String descriptor, String value) {
                if (name.equals("family")) {
                    m.family = value;
                } else if (name.equals("otherwise")) {
                    m.otherwise = value;
                }
            }

            @Override
            public AnnotationVisitor visitArray(String name) {
                return name.equals("expect") ? expectArrayVisitor(m) : null;
            }
        };
    }

    private static AnnotationVisitor expectArrayVisitor(Metadata m) {
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String name, String descriptor) {
                if (!EXPECT.equals(descriptor)) {
                    return null;
                }
                String[] modeAndOutcome = new String[2];
                m.expect.add(modeAndOutcome);
                return new AnnotationVisitor(Opcodes.ASM9) {
                    @Override
                    public void visit(String element, Object value) {
                        if (element.equals("mode")) {
                            modeAndOutcome[0] = (String) value;
                        }
                    }

                    @Override
                    public void visitEnum(String element, String enumDescriptor, String value) {
                        if (element.equals("outcome")) {
                            modeAndOutcome[1] = value;
                        }
                    }
                };
            }
        };
    }
}
