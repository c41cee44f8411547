/**
 * What rewritten extension code calls at run time. Every class here is public because each
 * extension's class loader must see it; nothing else in an extension may: the rewrite refuses
 * any extension whose own code names this package, so an extension cannot reach its
 * {@link testbed.sfi.runtime.Meter} and refill itself.
 *
 * <p>{@link testbed.sfi.runtime.Meter} holds one domain's budgets (fuel, allocation bytes, call
 * depth) and lets another thread stop the domain; {@link testbed.sfi.runtime.Guard} holds the
 * memory guards and the handler guard that need more than a few inline instructions.
 */
package testbed.sfi.runtime;
