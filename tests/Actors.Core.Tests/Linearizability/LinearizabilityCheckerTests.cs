using Actors.Testing.Linearizability;
using Xunit;
using static Actors.Core.Tests.Linearizability.Ops;

namespace Actors.Core.Tests.Linearizability;

public sealed class LinearizabilityCheckerTests
{
    private static void AssertLinearizable(params KvOperation[] history)
    {
        var result = LinearizabilityChecker.Check(history);
        Assert.True(result.IsLinearizable, result.Explanation);
        Assert.Null(result.FailingKey);
    }

    private static CheckResult AssertRejected(params KvOperation[] history)
    {
        var result = LinearizabilityChecker.Check(history);
        Assert.False(result.IsLinearizable, result.Explanation);
        return result;
    }

    [Fact]
    public void Checker_accepts_an_empty_history()
    {
        var result = LinearizabilityChecker.Check([]);

        Assert.True(result.IsLinearizable);
        Assert.Equal(0, result.StatesExplored);
    }

    [Fact]
    public void Checker_accepts_sequential_puts_and_gets() =>
        AssertLinearizable(
            Get(1, null, 0, 1),
            Put(1, "a", 2, 3),
            Get(2, "a", 4, 5),
            Put(2, "b", 6, 7),
            Get(1, "b", 8, 9));

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Checker_accepts_a_get_concurrent_with_a_put_seeing_either_value(string seen) =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            Put(1, "b", 10, 20),
            Get(2, seen, 12, 15));

    [Fact]
    public void Checker_accepts_a_read_that_overlaps_a_put_only_at_a_shared_timestamp() =>
        AssertLinearizable(
            Put(1, "a", 0, 10),
            Get(2, null, 10, 11));

    [Fact]
    public void Checker_accepts_consistent_cas_successes_and_failures() =>
        AssertLinearizable(
            Cas(1, null, "a", swapped: true, 0, 1),
            Cas(2, null, "x", swapped: false, 2, 3),
            Cas(1, "a", "b", swapped: true, 4, 5),
            Cas(2, "a", "y", swapped: false, 6, 7),
            Get(1, "b", 8, 9));

    [Fact]
    public void Checker_accepts_concurrent_cas_where_exactly_one_swaps() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            Cas(1, "a", "b", swapped: true, 2, 10),
            Cas(2, "a", "c", swapped: false, 3, 9),
            Get(3, "b", 11, 12));

    [Fact]
    public void Checker_accepts_a_get_of_missing_after_delete() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            Delete(1, 2, 3),
            Get(2, null, 4, 5));

    [Fact]
    public void Checker_accepts_an_indeterminate_put_that_is_observed_later() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Put(1, "b", 2, 3)),
            Get(2, "a", 10, 11),
            Get(2, "b", 20, 21),
            Get(3, "b", 30, 31));

    [Fact]
    public void Checker_accepts_an_indeterminate_put_that_is_never_observed() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Put(1, "b", 2, 3)),
            Get(2, "a", 10, 11),
            Get(2, "a", 20, 21));

    [Fact]
    public void Checker_ignores_the_output_of_an_indeterminate_get() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Get(2, null, 2, 3)) with { Output = "garbage" },
            Get(2, "a", 4, 5));

    [Fact]
    public void Checker_accepts_an_indeterminate_cas_whose_swap_is_observed() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Cas(1, "a", "b", swapped: false, 2, 3)),
            Get(2, "b", 10, 11));

    [Fact]
    public void Checker_rejects_an_indeterminate_cas_that_could_not_have_swapped() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            TimedOut(Cas(1, "z", "b", swapped: true, 2, 3)),
            Get(2, "b", 10, 11));

    [Fact]
    public void Checker_rejects_a_read_of_an_indeterminate_put_invoked_after_the_read() =>
        AssertRejected(
            Get(2, "b", 0, 1),
            TimedOut(Put(1, "b", 2, 3)));

    [Fact]
    public void Checker_accepts_a_failed_cas_explained_only_by_an_unobserved_indeterminate_put() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Put(2, "b", 2, 3)),
            Cas(3, "a", "c", swapped: false, 10, 11));

    [Fact]
    public void Checker_rejects_a_failed_cas_when_no_write_could_have_changed_the_value() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            TimedOut(Put(2, "b", 20, 21)),
            Cas(3, "a", "c", swapped: false, 10, 11));

    [Fact]
    public void Checker_uses_as_many_interchangeable_indeterminate_operations_as_needed() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Delete(2, 2, 3)),
            TimedOut(Delete(3, 2, 3)),
            TimedOut(Delete(4, 2, 3)),
            Get(1, null, 10, 11),
            Put(1, "b", 12, 13),
            Get(1, null, 14, 15),
            Put(1, "c", 16, 17),
            Get(1, null, 18, 19));

    [Fact]
    public void Checker_applies_each_indeterminate_operation_at_most_once() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            TimedOut(Delete(2, 2, 3)),
            TimedOut(Delete(3, 2, 3)),
            Get(1, null, 10, 11),
            Put(1, "b", 12, 13),
            Get(1, null, 14, 15),
            Put(1, "c", 16, 17),
            Get(1, null, 18, 19));

    [Fact]
    public void Checker_keeps_an_indeterminate_put_for_later_when_an_indeterminate_cas_can_write_the_same_value() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            TimedOut(Put(2, "x", 2, 3)),
            TimedOut(Cas(3, "a", "x", swapped: false, 4, 5)),
            Get(1, "x", 10, 11),
            Put(1, "a", 12, 13),
            Put(1, "b", 14, 15),
            Get(1, "x", 20, 21));

    [Fact]
    public void Checker_checks_keys_independently() =>
        AssertLinearizable(
            Put(1, "a", 0, 1, key: "x"),
            Put(1, "b", 2, 3, key: "y"),
            Get(2, "a", 4, 5, key: "x"),
            Get(2, "b", 4, 5, key: "y"),
            Put(3, "c", 6, 7, key: "x"),
            Get(3, null, 8, 9, key: "z"),
            Get(1, "c", 10, 11, key: "x"),
            Get(1, "b", 10, 11, key: "y"));

    [Fact]
    public void Checker_rejects_a_stale_read()
    {
        var result = AssertRejected(
            Put(1, "a", 0, 1),
            Put(1, "b", 2, 3),
            Get(2, "a", 4, 5));

        Assert.Equal("k", result.FailingKey);
    }

    [Fact]
    public void Checker_rejects_a_lost_write() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Put(2, "b", 2, 5),
            Get(3, "b", 3, 4),
            Get(3, "a", 6, 7));

    [Fact]
    public void Checker_rejects_an_acknowledged_write_that_is_never_seen() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Put(2, "b", 2, 3),
            Get(1, "a", 4, 5),
            Get(2, "a", 6, 7));

    [Fact]
    public void Checker_rejects_a_cas_that_swapped_although_the_value_differed() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Cas(2, "z", "b", swapped: true, 2, 3));

    [Fact]
    public void Checker_rejects_a_cas_that_did_not_swap_although_the_value_matched() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Cas(2, "a", "b", swapped: false, 2, 3));

    [Fact]
    public void Checker_rejects_a_cas_expecting_missing_on_a_present_key() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Cas(2, null, "b", swapped: true, 2, 3));

    [Fact]
    public void Checker_rejects_a_read_of_a_value_never_written() =>
        AssertRejected(
            Put(1, "a", 0, 10),
            Get(2, "q", 2, 8));

    [Fact]
    public void Checker_rejects_a_read_of_present_after_a_completed_delete() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Delete(1, 2, 3),
            Get(2, "a", 4, 5));

    [Fact]
    public void Checker_ignores_failed_operations() =>
        AssertRejected(
            Put(1, "a", 0, 1),
            Failed(Put(2, "b", 2, 3)),
            Get(3, "b", 4, 5));

    [Fact]
    public void Checker_ignores_a_failed_operation_whose_recorded_result_is_impossible() =>
        AssertLinearizable(
            Put(1, "a", 0, 1),
            Failed(Get(2, "never", 2, 3)),
            Get(3, "a", 4, 5));

    [Fact]
    public void Checker_names_the_failing_key_and_the_operation_that_cannot_be_placed()
    {
        var result = AssertRejected(
            Put(1, "a", 0, 1, key: "good"),
            Get(2, "a", 2, 3, key: "good"),
            Put(1, "a", 0, 1, key: "bad"),
            Put(1, "b", 2, 3, key: "bad"),
            Get(7, "a", 40, 50, key: "bad"));

        Assert.Equal("bad", result.FailingKey);
        Assert.Contains("\"bad\"", result.Explanation);
        Assert.Contains("places 2 of 3", result.Explanation);
        Assert.Contains("Get returning \"a\" by client 7 [invoke 40, complete 50]", result.Explanation);
    }

    [Fact]
    public void Checker_reports_an_exceeded_budget_as_not_linearizable()
    {
        KvOperation[] history =
        [
            Put(1, "a", 0, 1),
            Put(2, "b", 2, 3),
            Get(3, "b", 4, 5),
        ];

        var result = LinearizabilityChecker.Check(history, maxStatesPerKey: 2);

        Assert.False(result.IsLinearizable);
        Assert.Equal("k", result.FailingKey);
        Assert.Contains("budget", result.Explanation);
        Assert.True(LinearizabilityChecker.Check(history, maxStatesPerKey: 3).IsLinearizable);
    }

    [Fact]
    public void Checker_rejects_an_operation_that_completes_before_it_is_invoked() =>
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Put(1, "a", 5, 4)]));

    [Fact]
    public void Checker_accepts_any_completion_time_on_an_indeterminate_operation() =>
        AssertLinearizable(TimedOut(Put(1, "a", 5, 4)), Get(2, "a", 6, 7));
}
