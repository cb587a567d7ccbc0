using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Ring;

/// <summary>
/// The ring-membership service of the replicated state: applies <see cref="RingOp"/>s in log order and keeps the
/// agreed <see cref="RingState"/>. Deterministic: the same operations at the same slots give the same ring everywhere.
/// </summary>
public sealed class RingStateMachine : ILogService
{
    /// <summary>The ring service's id on the log.</summary>
    public const int ServiceId = 2;

    int ILogService.Id => ServiceId;

    string ILogService.Name => "ring";

    public static readonly LogServiceRegistration Registration =
        new(ServiceId, "ring", (rules, section) => new RingStateMachine(rules.RingVirtualNodes, section is null ? null : RingSection.Decode(section)));

    LogOp ILogService.Decode(ReadOnlySpan<byte> bytes) => RingCodec.Decode(bytes);

    ServiceSection ILogService.Save() => Section().Encode();

    /// <summary>The ring is not held to the state's limit: it grows with the cluster, by commands of the nodes' own.</summary>
    long ILogService.Bytes => 0;

    long ILogService.Growth(LogOp op) => 0;

    CommandResult ILogService.Apply(LogOp op, long slot, long logTime) => Execute((RingOp)op, slot);

    CommandResult ILogService.Read(LogOp op, long slot, long logTime) => Rejected($"ring: {op.GetType().Name} is not a read");

    private readonly int _virtualNodesPerWeight;

    public RingStateMachine(int virtualNodesPerWeight, RingSection? section = null)
    {
        _virtualNodesPerWeight = virtualNodesPerWeight;
        State = section is null
            ? RingState.Empty(virtualNodesPerWeight)
            : new RingState(section.Version, section.Members, virtualNodesPerWeight);
    }

    /// <summary>The ring after the last operation applied.</summary>
    public RingState State { get; private set; }

    /// <summary>Applies <paramref name="op"/> as the operation of slot <paramref name="slot"/>.</summary>
    public CommandResult Execute(RingOp op, long slot)
    {
        var members = State.Members;
        switch (op)
        {
            case RingJoin j:
            {
                if (j.Node < 1) return Rejected($"ring: node id {j.Node} is not a node id (1 or more)");
                if (string.IsNullOrWhiteSpace(j.Address)) return Rejected($"ring: node {j.Node} has no address");
                if (j.Address.Length > MaxAddressLength) return Rejected($"ring: the address of node {j.Node} is longer than {MaxAddressLength} characters");
                if (!ValidWeight(j.Weight)) return Rejected($"ring: weight {j.Weight} of node {j.Node} {WeightRule}");
                if (State.Member(j.Node) is { } known)
                    return known.Address == j.Address ? CommandResult.Ok : Change(Replace(members, known with { Address = j.Address }), slot);
                return Change(members.Add(new RingMember(j.Node, j.Address, j.Weight)), slot);
            }
            case RingLeave l:
                return State.Member(l.Node) is { } leaving ? Change(members.Remove(leaving), slot) : CommandResult.Ok;
            case RingDrain d:
            {
                if (State.Member(d.Node) is not { } member) return Rejected(Unknown(d.Node));
                return member.Status == RingMemberStatus.Draining
                    ? CommandResult.Ok
                    : Change(Replace(members, member with { Status = RingMemberStatus.Draining }), slot);
            }
            case RingWeight w:
            {
                if (!ValidWeight(w.Weight)) return Rejected($"ring: weight {w.Weight} {WeightRule}");
                if (State.Member(w.Node) is not { } member) return Rejected(Unknown(w.Node));
                return member.Weight == w.Weight ? CommandResult.Ok : Change(Replace(members, member with { Weight = w.Weight }), slot);
            }
            default:
                return Rejected($"ring: unknown operation {op.GetType().Name}");
        }
    }

    /// <summary>The ring's section of a snapshot.</summary>
    public RingSection Section() => new(State.Version, State.Members);

    /// <summary>
    /// The largest weight: a member has weight × virtual-nodes-per-weight positions on every node's ring, so an unbounded
    /// weight would let one command make every node build a ring of billions of positions.
    /// </summary>
    public const double MaxWeight = 100;

    /// <summary>Longest member address accepted, in characters.</summary>
    public const int MaxAddressLength = 512;

    /// <summary>What a weight must be, as an error says it.</summary>
    public const string WeightRule = "is not a number above 0 and at most 100";

    /// <summary>True for a weight a member may have: above 0 and at most <see cref="MaxWeight"/>.</summary>
    public static bool ValidWeight(double weight) => weight > 0 && weight <= MaxWeight;

    private CommandResult Change(ImmutableArray<RingMember> members, long slot)
    {
        State = new RingState(slot, members, _virtualNodesPerWeight);
        return CommandResult.Ok;
    }

    private static ImmutableArray<RingMember> Replace(ImmutableArray<RingMember> members, RingMember updated) =>
        members.Select(m => m.Node == updated.Node ? updated : m).ToImmutableArray();

    private static string Unknown(int node) => $"ring: node {node} is not a ring member";

    private static CommandResult Rejected(string error) => new(CommandStatus.Rejected, null, error);
}
