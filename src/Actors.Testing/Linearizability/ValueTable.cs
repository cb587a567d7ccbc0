namespace Actors.Testing.Linearizability;

/// <summary>Interns the values of one key's history; id 0 stands for "missing".</summary>
internal sealed class ValueTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string?> _values = [null];

    /// <summary>Number of ids handed out, counting 0 for "missing".</summary>
    public int Count => _values.Count;

    public int Intern(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (!_ids.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _ids.Add(value, id);
            _values.Add(value);
        }

        return id;
    }

    public string? ValueOf(int id) => _values[id];
}
