package testbed.kernel;

/** One call from the kernel into an extension, with its result widened to {@code long}. */
@FunctionalInterface
public interface DomainCall {
    long run();
}
