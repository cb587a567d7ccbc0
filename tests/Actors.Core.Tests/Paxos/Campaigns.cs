using Actors.Core.Paxos;

namespace Actors.Core.Tests.Paxos;

internal static class Campaigns
{
    /// <summary>
    /// Ticks <paramref name="p"/> until it campaigns (again), granting each pre-vote it asks for as members that hear no leader
    /// would; returns the step that sent the prepares.
    /// </summary>
    public static Effects TickUntilCandidate(this Proposer p)
    {
        for (var i = 0; i < 10_000; i++)
        {
            var fx = p.Step(Tick.Instance);
            if (Campaigned(fx)) return fx;
            foreach (var ask in fx.Send.Where(o => o.Message is PreVote).ToList())
            {
                var granted = p.Step(new PreVoteReply(((PreVote)ask.Message).Ballot, true, ask.To));
                if (Campaigned(granted)) return granted;
            }
        }
        throw new InvalidOperationException($"proposer {p.Self} never campaigned");
    }

    private static bool Campaigned(Effects fx) => fx.Send.Any(o => o.Message is Prepare);
}
