package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropertyFailureTest {
    @Test
    void aDisagreementConcernsBothModesAndNoOther() {
        PropertyFailure both = new PropertyFailure(Property.MODES_AGREE, "SFI_CHECK+BOUNDS", "d", "check-only");
        assertThat(both.concerns("SFI_CHECK")).isTrue();
        assertThat(both.concerns("BOUNDS")).isTrue();
        assertThat(both.concerns("SFI_MASK")).isFalse();
        assertThat(new PropertyFailure(Property.CONTAINMENT, "SFI_MASK", "d", "s").concerns("SFI_MASK_STORES")).isFalse();
    }
}
