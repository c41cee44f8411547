package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;
import testbed.kernel.MachineCheck;
import testbed.kernel.Trap;
import testbed.kernel.api.Hook;

/** The allowlist file: its format, and an audit of what it grants. */
class AllowlistTest {
    private static final Allowlist STANDARD = Allowlist.standard();

    /** Granted members that a diagnosis rule would otherwise claim, each with its reason. */
    private static final Set<String> REVIEWED_EXCEPTIONS = Set.of(
            // copies between arrays the extension holds; the rest of System stays refused
            "java/lang/System.arraycopy");

    private static Class<?> load(String internalName) throws ClassNotFoundException {
        return Class.forName(internalName.replace('/', '.'), false, AllowlistTest.class.getClassLoader());
    }

    @Test
    void theBundledAllowlistGrantsTheKernelApi() {
        assertThat(STANDARD.call("testbed/kernel/api/Context", "alloc", "(J)J")).isEqualTo(Allowlist.Call.ALLOWED);
        assertThat(STANDARD.call("testbed/kernel/api/Memory", "store64", "(JJ)V")).isEqualTo(Allowlist.Call.ALLOWED);
        assertThat(STANDARD.readable("testbed/kernel/api/Status", "EPERM")).isTrue();
        for (Hook hook : Hook.values()) {
            assertThat(STANDARD.knowsType(hook.internalName())).as(hook.internalName()).isTrue();
        }
    }

    @Test
    void everyGrantedMemberExistsAndIsPublic() throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Allowlist.Grants> e : STANDARD.classes().entrySet()) {
            Class<?> owner = load(e.getKey());
            assertThat(Modifier.isPublic(owner.getModifiers())).as(e.getKey()).isTrue();
            for (String field : e.getValue().fields()) {
                if (Arrays.stream(owner.getFields()).noneMatch(f -> f.getName().equals(field))) {
                    missing.add(e.getKey() + "." + field);
                }
            }
            e.getValue().methods().forEach((name, descriptors) -> {
                for (String descriptor : descriptors) {
                    if (!exists(owner, name, descriptor)) {
                        missing.add(e.getKey() + "." + name + descriptor);
                    }
                }
            });
        }
        assertThat(missing).as("granted members that do not exist (a typo grants nothing, or the JDK changed)").isEmpty();
    }

    private static boolean exists(Class<?> owner, String name, String descriptor) {
        if (name.equals("<init>")) {
            for (Constructor<?> c : owner.getConstructors()) {
                if (descriptor.isEmpty() || Type.getConstructorDescriptor(c).equals(descriptor)) {
                    return true;
                }
            }
            return false;
        }
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(name) && (descriptor.isEmpty() || Type.getMethodDescriptor(m).equals(descriptor))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void nothingGrantedIsWhatARuleForbids() {
        List<String> claimed = new ArrayList<>();
        STANDARD.classes().forEach((owner, grants) -> {
            List<String> members = new ArrayList<>(grants.fields());
            members.addAll(grants.methods().keySet());
            for (String member : members) {
                Rule rule = Rule.diagnose(owner, member);
                if (rule != Rule.NOT_ALLOWLISTED && !REVIEWED_EXCEPTIONS.contains(owner + "." + member)) {
                    claimed.add(owner + "." + member + " is " + rule);
                }
            }
        });
        assertThat(claimed).isEmpty();
    }

    /**
     * A member that takes an arbitrary {@code Object} may call back into it ({@code toString},
     * {@code hashCode}): into {@code Object.toString} and the identity hash, which the allowlist
     * refuses when called directly. Only members that merely compare or return their argument
     * may take one.
     */
    @Test
    void noGrantedMemberCanCallBackIntoAnArbitraryObject() throws ClassNotFoundException {
        List<String> callBacks = new ArrayList<>();
        for (Map.Entry<String, Allowlist.Grants> e : STANDARD.classes().entrySet()) {
            Class<?> owner = load(e.getKey());
            for (Method m : owner.getMethods()) {
                Set<String> granted = e.getValue().methods().get(m.getName());
                boolean isGranted = granted != null && (granted.contains("") || granted.contains(Type.getMethodDescriptor(m)));
                boolean takesObject = Arrays.asList(m.getParameterTypes()).contains(Object.class);
                boolean compareOrReturn = m.getName().equals("equals") || m.getName().equals("requireNonNull")
                        || m.getName().equals("arraycopy");
                if (isGranted && takesObject && !compareOrReturn && !m.isBridge()) {
                    callBacks.add(e.getKey() + "." + m.getName() + Type.getMethodDescriptor(m));
                }
            }
        }
        assertThat(callBacks).as("granted members that may call toString or hashCode of any object").isEmpty();
    }

    @Test
    void objectGrantsOnlyConstructionAndEquality() {
        assertThat(STANDARD.classes().get("java/lang/Object").methods().keySet()).containsExactly("<init>", "equals");
    }

    @Test
    void noCatchableTypeCatchesATrapOrAJvmErrorByName() throws ClassNotFoundException {
        for (Map.Entry<String, Allowlist.Grants> e : STANDARD.classes().entrySet()) {
            if (!e.getValue().catchable()) {
                continue;
            }
            Class<?> type = load(e.getKey());
            assertThat(Throwable.class.isAssignableFrom(type)).as(e.getKey()).isTrue();
            assertThat(Error.class.isAssignableFrom(type)).as(e.getKey() + " is an Error").isFalse();
            if (type != Throwable.class) {
                assertThat(type.isAssignableFrom(Trap.class)).as(e.getKey() + " catches Trap").isFalse();
            }
        }
    }

    @Test
    void handlersThatCanCatchWhatTheKernelThrowsAreCountedForTheRewrite() {
        // Trap is an Error; MachineCheck a RuntimeException: catch (RuntimeException) can swallow one.
        assertThat(Trap.class.getSuperclass()).isEqualTo(Error.class);
        assertThat(RuntimeException.class.isAssignableFrom(MachineCheck.class)).isTrue();
        assertThat(Extensions.verified(RulesTest.Catch.CatchesThrowable.class).method("filter", Extensions.FILTER)
                .orElseThrow().trapHandlers()).isOne();
    }

    @Test
    void membersAreGrantedPerOwnerAndPerOverload() {
        Allowlist a = Allowlist.parse("test", String.join("\n",
                "# a comment",
                "",
                "method a/B m(I)I   # one overload",
                "allocating a/B n",
                "type a/T",
                "catch a/E",
                "field a/B F"));
        assertThat(a.call("a/B", "m", "(I)I")).isEqualTo(Allowlist.Call.ALLOWED);
        assertThat(a.call("a/B", "m", "(J)J")).isEqualTo(Allowlist.Call.DENIED);
        assertThat(a.call("a/C", "m", "(I)I")).isEqualTo(Allowlist.Call.DENIED);
        assertThat(a.call("a/B", "n", "()V")).isEqualTo(Allowlist.Call.ALLOCATING);
        assertThat(a.call("a/B", "n", "(Ljava/lang/String;)V")).isEqualTo(Allowlist.Call.ALLOCATING);
        assertThat(a.knowsType("a/T")).isTrue();
        assertThat(a.catchable("a/T")).isFalse();
        assertThat(a.catchable("a/E")).isTrue();
        assertThat(a.knowsType("a/B")).isTrue();
        assertThat(a.knowsType("a/C")).isFalse();
        assertThat(a.readable("a/B", "F")).isTrue();
        assertThat(a.readable("a/B", "G")).isFalse();
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() {
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "type a/B\ngrant a/B m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x.txt:2: unknown directive 'grant'");
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "method a/B"))
                .hasMessageStartingWith("x.txt:1: 'method' needs at least one member");
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "method a/B m(Q)V"))
                .hasMessageStartingWith("x.txt:1: bad descriptor");
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "method java.lang.Math abs"))
                .hasMessageStartingWith("x.txt:1: bad class name");
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "method a/B m\nallocating a/B m"))
                .hasMessageStartingWith("x.txt:2: a/B.m is listed twice");
        assertThatThrownBy(() -> Allowlist.parse("x.txt", "type a/B c/D"))
                .hasMessageStartingWith("x.txt:1: 'type' takes a class and nothing else");
    }

    @Test
    void theResourceSitsWhereTheCodeLooksForIt() {
        assertThat(Allowlist.class.getResource(Allowlist.RESOURCE)).isNotNull();
        assertThat(STANDARD.classes()).isNotEmpty();
    }
}
