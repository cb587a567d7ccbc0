namespace Actors.Testing.Processes;

/// <summary>The repository this code was built from: the first directory above the build output that holds Actors.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Found = new(() => Find(Environment.GetEnvironmentVariable("ACTORS_ROOT") ?? AppContext.BaseDirectory));

    /// <summary>
    /// The root found from <c>ACTORS_ROOT</c> when it is set, otherwise from <see cref="AppContext.BaseDirectory"/>.
    /// Throws <see cref="InvalidOperationException"/> when no directory on the way up holds Actors.sln.
    /// </summary>
    public static string Path => Found.Value;

    /// <summary>Walks up from <paramref name="start"/> to the first directory holding Actors.sln.</summary>
    /// <exception cref="InvalidOperationException">No directory on the way up holds Actors.sln.</exception>
    public static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Actors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Actors.sln not found above " + start);
    }

    /// <summary>Like <see cref="Find"/>, but null instead of an exception.</summary>
    public static string? TryFind(string start)
    {
        try
        {
            return Find(start);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
