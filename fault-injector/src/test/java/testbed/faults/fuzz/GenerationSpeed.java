package testbed.faults.fuzz;

/**
 * Prints how long generating a program takes and how big programs are: a rough measurement, not a
 * benchmark (no forks, one thread). Run it with
 * {@code mvn -o -q -pl fault-injector test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java
 * -Dexec.mainClass=testbed.faults.fuzz.GenerationSpeed -Dexec.classpathScope=test}.
 */
public final class GenerationSpeed {
    private static final int PROGRAMS = 200_000;

    private GenerationSpeed() {
    }

    public static void main(String[] args) {
        ProgramGenerator generator = ProgramGenerator.over(Layout.defaults());
        int[] sizes = new int[generator.maxOps() + 1];
        for (int round = 0; round < 4; round++) {
            ProgramGenerator fresh = generator.maxOps(generator.maxOps());
            long ops = 0;
            long start = System.nanoTime();
            for (int i = 0; i < PROGRAMS; i++) {
                int size = fresh.generate(new SeededChoices((long) round * PROGRAMS + i), "P").size();
                ops += size;
                sizes[size]++;
            }
            long nanos = System.nanoTime() - start;
            // The first round warms the JIT up; the later ones are the measurement.
            System.out.printf("round %d: %.2f us a program, %.1f ops a program, %.0f ns an op%n",
                    round, nanos / 1e3 / PROGRAMS, (double) ops / PROGRAMS, (double) nanos / ops);
        }
        System.out.println("size  programs");
        for (int size = 0; size < sizes.length; size++) {
            if (sizes[size] > 0) {
                System.out.printf("%4d  %8d%n", size, sizes[size]);
            }
        }
    }
}
