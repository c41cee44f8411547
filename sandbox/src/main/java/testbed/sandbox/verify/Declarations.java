package testbed.sandbox.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.ModuleVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** What a class declares, read in a first pass without code: the checks of its code need it to resolve calls to itself. */
final class Declarations extends ClassVisitor {

    /** A declared field. */
    record Field(int access, String name, String descriptor) {
    }

    /** A declared method. */
    record Method(int access, String name, String descriptor) {
        boolean is(int flag) {
            return (access & flag) != 0;
        }
    }

    private int access;
    private String name;
    private String superName;
    private List<String> interfaces = List.of();
    private boolean module;
    private final List<Field> fields = new ArrayList<>();
    private final List<Method> methods = new ArrayList<>();
    private final Map<String, Field> fieldsByKey = new HashMap<>();
    private final Map<String, Method> methodsByKey = new HashMap<>();

    Declarations() {
        super(Opcodes.ASM9);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        this.access = access;
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces == null ? List.of() : List.copyOf(Arrays.asList(interfaces));
    }

    @Override
    public ModuleVisitor visitModule(String moduleName, int moduleAccess, String version) {
        module = true;
        return null;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        Field f = new Field(access, name, descriptor);
        fields.add(f);
        fieldsByKey.putIfAbsent(name + ':' + descriptor, f);
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        Method m = new Method(access, name, descriptor);
        methods.add(m);
        methodsByKey.putIfAbsent(name + descriptor, m);
        return null;
    }

    boolean is(int flag) {
        return (access & flag) != 0;
    }

    /** Internal name ({@code com/x/Evil}). */
    String name() {
        return name;
    }

    /** Binary name ({@code com.x.Evil}). */
    String binaryName() {
        return name.replace('/', '.');
    }

    /** Internal name of the superclass; null only for {@code java/lang/Object} itself. */
    String superName() {
        return superName;
    }

    List<String> interfaces() {
        return interfaces;
    }

    /** Whether the class file carries a module descriptor. */
    boolean module() {
        return module;
    }

    List<Field> fields() {
        return fields;
    }

    List<Method> methods() {
        return methods;
    }

    /** The field this class declares with that name and descriptor, or null. */
    Field field(String fieldName, String descriptor) {
        return fieldsByKey.get(fieldName + ':' + descriptor);
    }

    /** The method this class declares with that name and descriptor, or null. */
    Method method(String methodName, String descriptor) {
        return methodsByKey.get(methodName + descriptor);
    }
}
