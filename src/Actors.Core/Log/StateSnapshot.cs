using System.Collections.Immutable;

namespace Actors.Core.Log;

/// <summary>
/// One service's part of a snapshot, as the service encoded it: the log carries and stores it without reading it.
/// </summary>
/// <param name="Service">The service's id (<see cref="ILogService.Id"/>), or <see cref="ReplicatedState.SessionsSectionId"/> for the client sessions.</param>
/// <param name="Format">The version of the service's section encoding, so that a later version reads what an earlier one wrote.</param>
/// <param name="Bytes">The encoded section. Never changed once made.</param>
public sealed record ServiceSection(int Service, int Format, byte[] Bytes)
{
    public bool Equals(ServiceSection? other) =>
        other is not null && Service == other.Service && Format == other.Format && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => HashCode.Combine(Service, Format, Bytes.Length);

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Service = {Service}, Format = {Format}, Bytes = {Bytes.Length}");
        return true;
    }
}

/// <summary>
/// The whole replicated state after applying every slot up to and including <see cref="AppliedThrough"/> (-1: nothing
/// applied): the log time reached, and one section per service that holds data (and one for the client sessions), in
/// the order the services are registered. A snapshot written before a service existed has no section for it: the
/// service starts empty.
/// </summary>
public sealed record StateSnapshot(long AppliedThrough, long LogTime, ImmutableArray<ServiceSection> Sections)
{
    public static readonly StateSnapshot Empty = new(-1, 0, ImmutableArray<ServiceSection>.Empty);

    /// <summary>The section of <paramref name="service"/>, or null.</summary>
    public ServiceSection? Section(int service)
    {
        foreach (var s in Sections.IsDefault ? [] : Sections)
            if (s.Service == service) return s;
        return null;
    }

    /// <summary>Bytes of the sections.</summary>
    public long Bytes => Sections.IsDefault ? 0 : Sections.Sum(s => (long)s.Bytes.Length);

    public bool Equals(StateSnapshot? other) =>
        other is not null && AppliedThrough == other.AppliedThrough && LogTime == other.LogTime
        && (Sections.IsDefault ? [] : Sections).SequenceEqual(other.Sections.IsDefault ? [] : other.Sections);

    public override int GetHashCode() => HashCode.Combine(AppliedThrough, LogTime, Sections.IsDefault ? 0 : Sections.Length);
}
