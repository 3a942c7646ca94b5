package io.ampfill.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AmpfillCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AmpfillCommand command = new AmpfillCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void help_lists_the_commands_and_the_exit_codes() {
        assertThat(command.execute("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("run", "validate", "plan", "emulator", "--quiet",
                "--report-json=FILE", "Exit codes:", "  3         validate, plan: records would be rejected");
        assertThat(err.size()).isZero();
    }

    @Test
    void each_command_has_its_help() {
        assertThat(command.execute("plan", "--help")).isZero();
        assertThat(command.execute("emulator", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ampfill plan", "[DIR]", "Usage: ampfill emulator", "--port N", "--capacity KNEE,MAX");
    }

    @Test
    void an_unknown_option_or_command_is_one_line_and_exit_code_2() {
        assertThat(command.execute("--colour")).isEqualTo(2);
        assertThat(command.execute("validate", "a", "b")).isEqualTo(2);
        assertThat(command.execute("emulator", "--port", "eighty")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "ampfill: Unknown option: '--colour' (see ampfill --help)",
                "ampfill: Unmatched argument at index 2: 'b' (see ampfill --help)",
                "ampfill: emulator: not a number after --port: eighty (see ampfill emulator --help)");
    }

    @Test
    void quiet_and_report_json_become_settings_given_before_or_after_run() {
        AmpfillCommand.RunOptions before = new AmpfillCommand.RunOptions();
        before.quiet = true;
        AmpfillCommand.RunOptions after = new AmpfillCommand.RunOptions();
        after.reportJson = Path.of("out/report.json");
        Map<String, String> settings = new LinkedHashMap<>();

        after.over(before).into(settings);

        assertThat(settings).containsExactly(Map.entry("backfill.progress", "false"),
                Map.entry("backfill.report-file", "out/report.json"));
    }
}
