package io.ampfill.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package graph a newcomer can trust: no cycles between ampfill's packages; the core (what ampfill does: mapping,
 * delivery, sources, positions, dead letters, the report) knows neither the Camel adapter nor the launcher, and needs
 * no Camel; Camel glue lives in io.ampfill.camel, the run's wiring in io.ampfill.cli.
 */
@AnalyzeClasses(packages = "io.ampfill", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageGraphTest {
    /** The packages that hold what ampfill does, below the adapter and the launcher. */
    private static final String[] CORE = {
            "io.ampfill.amplitude..", "io.ampfill.event..", "io.ampfill.delivery..", "io.ampfill.source..",
            "io.ampfill.ledger..", "io.ampfill.deadletter..", "io.ampfill.report..", "io.ampfill.secret..",
            "io.ampfill.emulator..", "io.ampfill.survey..", "io.ampfill.setting.."};

    @ArchTest
    static final ArchRule packages_have_no_cycles = slices().matching("io.ampfill.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule the_core_does_not_know_the_camel_adapter = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAPackage("io.ampfill.camel..");

    @ArchTest
    static final ArchRule the_core_needs_no_camel = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAPackage("org.apache.camel..");

    /** The launcher wires the run and starts Camel: nothing below it, the adapter included, depends on it. */
    @ArchTest
    static final ArchRule nothing_depends_on_the_launcher = noClasses().that().resideOutsideOfPackage("io.ampfill.cli..")
            .should().dependOnClassesThat().resideInAPackage("io.ampfill.cli..");
}
