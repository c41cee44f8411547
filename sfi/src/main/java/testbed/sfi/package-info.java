/**
 * Load-time rewriting of extension bytecode: {@link testbed.sfi.Rewrite} confines an extension's
 * memory accesses to its segment as a {@link testbed.sfi.ProtectionMode} says, and meters its
 * fuel, allocation and call depth. The classes the rewritten code calls at run time live in
 * {@link testbed.sfi.runtime}.
 */
package testbed.sfi;
