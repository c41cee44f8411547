/**
 * Extensions the benchmarks load through the sandbox: ordinary untrusted classes that pass the
 * verifier (no static state, no lambdas, only allowlisted calls). The benchmarks never load these
 * classes in the host; they read the class files as resources and hand the bytes to the pipeline,
 * as the kernel would receive them.
 */
package testbed.bench.extensions;
