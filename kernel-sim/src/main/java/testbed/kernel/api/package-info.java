/**
 * The extension API: everything an extension may see of the kernel, and the table of hooks
 * ({@link testbed.kernel.api.Hook}) that the rest of the testbed reads to know them.
 *
 * <p>An extension is one class that implements exactly one hook interface
 * ({@link testbed.kernel.api.PacketFilter}, {@link testbed.kernel.api.ReadFilter},
 * {@link testbed.kernel.api.EventHandler}, {@link testbed.kernel.api.EvictionPolicy},
 * {@link testbed.kernel.api.LibraryOs}) and has a public no-argument constructor. Every call
 * the kernel makes into it passes a {@link testbed.kernel.api.Context}: the only way to reach
 * simulated memory ({@link testbed.kernel.api.Memory}) and the kernel helpers. The hook table
 * itself is not for extensions: the verifier's allowlist does not grant it.
 *
 * <p>Addresses are physical addresses in the simulated machine. A well-behaved extension
 * touches only its own segment, {@code [ctx.segmentBase(), ctx.segmentBase() + ctx.segmentSize())};
 * the protection modes exist to make sure a badly behaved one cannot do otherwise. Helpers
 * never throw for bad arguments: they return a negative {@link testbed.kernel.api.Status} code.
 */
package testbed.kernel.api;
