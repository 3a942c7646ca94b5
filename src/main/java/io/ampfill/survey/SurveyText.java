package io.ampfill.survey;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What validate and plan print: the survey's figures, then (plan) what sending them will take. */
public final class SurveyText {
    /** Ids listed as the heaviest. */
    static final int HEAVIEST = 5;

    private final StringBuilder out = new StringBuilder();

    /** validate's lines. */
    public static String validation(String title, Survey survey) {
        SurveyText text = new SurveyText();
        text.figures(title, survey);
        return text.out.toString();
    }

    /** plan's lines: validate's, then the plan. */
    public static String plan(String title, Survey survey, Plan plan) {
        SurveyText text = new SurveyText();
        text.figures(title, survey);
        text.plan(survey, plan);
        return text.out.toString();
    }

    private void figures(String title, Survey survey) {
        out.append(title).append('\n');
        line("records", n(survey.records()));
        line("valid events", n(survey.valid()));
        line("rejected", n(survey.rejected()));
        for (Map.Entry<String, Survey.Rejects> reason : survey.rejects().entrySet()) {
            line("  " + reason.getKey(), n(reason.getValue().count()));
            out.append("      at ").append(String.join(", ", reason.getValue().examples()))
                    .append(reason.getValue().count() > reason.getValue().examples().size() ? ", ..." : "").append('\n');
        }
        survey.notRead().forEach((file, why) -> line("not read", file + ": " + why));
        line("devices", ids(survey.devices()) + "  (device_id, else user_id: what is paced)");
        line("users", ids(survey.users()) + "  (user_id)");
        if (survey.valid() > 0) {
            line("time range", Instant.ofEpochMilli(survey.earliest()) + " .. " + Instant.ofEpochMilli(survey.latest()));
        }
    }

    private void plan(Survey survey, Plan plan) {
        out.append("plan at ").append(plan.rate()).append(" per device (amplitude.device-eps)\n");
        heaviest("heaviest devices", survey.devices(), plan);
        heaviest("heaviest users", survey.users(), plan);
        List<IdCounts.Count> overDevices = survey.devices().over(Plan.DAILY_QUOTA);
        List<IdCounts.Count> overUsers = survey.users().over(Plan.DAILY_QUOTA);
        line(String.format(Locale.ROOT, "over the daily quota (%,d)", Plan.DAILY_QUOTA),
                n(overDevices.size() + overUsers.size()) + " ids  (Amplitude takes at most " + n(Plan.DAILY_QUOTA)
                        + " events per id in a rolling 24 hours)");
        quota("device", overDevices);
        quota("user", overUsers);
        line("events 30 days old or older", n(survey.old()) + (survey.old() > 0
                ? "  (Amplitude may take up to 48 hours to show them in some charts)" : ""));
        Plan.Estimate estimate = plan.estimate(survey);
        line("estimated duration", Plan.format(estimate.duration()) + "  bounded by " + estimate.boundBy());
    }

    private void heaviest(String label, IdCounts counts, Plan plan) {
        List<IdCounts.Count> top = counts.heaviest(HEAVIEST);
        if (top.isEmpty()) {
            if (counts.events() > 0) {
                // past the ids counted exactly, an id is listed only if it stands out from the sketch's error
                line(label, "none with more than " + n(counts.maximumError()) + " events");
            }
            return;
        }
        line(label, "events       time to send");
        for (IdCounts.Count id : top) {
            line("  " + id.id(), String.format(Locale.ROOT, "%-12s %s", count(id), Plan.format(plan.timeFor(id.estimate()))));
        }
    }

    private void quota(String kind, List<IdCounts.Count> over) {
        for (IdCounts.Count id : over) {
            line("  " + kind + " " + id.id(), count(id) + " events: " + Plan.quotaDays(id.estimate()) + " days of sending");
        }
    }

    private static String count(IdCounts.Count id) {
        return id.exact() ? n(id.estimate()) : n(id.lower()) + "-" + n(id.upper());
    }

    private static String ids(IdCounts counts) {
        return counts.exact() ? n(counts.distinct()) : "about " + n(counts.distinct());
    }

    private static String n(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A line as the run's report prints one: the label in a column of its own, then the value. */
    public static String labelled(String label, String value) {
        return String.format(Locale.ROOT, "  %-34s %s%n", label, value);
    }

    private void line(String label, String value) {
        out.append(labelled(label, value));
    }
}
