package testbed.corpus;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The outcome an entry should give under one protection mode; an element of {@link Entry#expect()}.
 *
 * <p>Modes are named by string ({@code "NONE"}, {@code "SFI_MASK"}, {@code "SFI_CHECK"},
 * {@code "BOUNDS"}, {@code "VERIFIED"}, {@code "VERIFIED_STRICT"}, {@code "PROCESS"}) so that the corpus does not depend on
 * the module that implements them; a downstream test checks the names against the real modes.
 */
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Expect {

    /** The protection mode's name, exactly as its enum constant is spelled. */
    String mode();

    /** The outcome under that mode. */
    Outcome outcome();
}
