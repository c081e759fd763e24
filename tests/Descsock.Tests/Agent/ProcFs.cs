using System.Globalization;
namespace Descsock.Tests.Agent;

/// <summary>
/// What the kernel says a process holds, read from <c>/proc</c>: open file descriptors (and what
/// each points at, for failure messages), resident memory, and mappings of tenant regions.
/// </summary>
public static class ProcFs
{
    /// <summary><c>/proc/PID</c>, or <c>/proc/self</c> for null.</summary>
    private static string Dir(int? pid) => pid is { } p ? $"/proc/{p.ToString(CultureInfo.InvariantCulture)}" : "/proc/self";

    /// <summary>
    /// The open fds of <paramref name="pid"/> (this process for null) and what each points at,
    /// e.g. <c>socket:[123]</c>, <c>anon_inode:[eventfd]</c>, <c>/memfd:descsock (deleted)</c>.
    /// Listing our own fd directory opens one fd for the listing; it is in every listing alike.
    /// </summary>
    public static SortedDictionary<int, string> Fds(int? pid = null)
    {
        var fds = new SortedDictionary<int, string>();
        foreach (var path in Directory.EnumerateFileSystemEntries($"{Dir(pid)}/fd"))
        {
            if (!int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out int fd)) continue;
            string? target;
            try { target = new FileInfo(path).LinkTarget; }
            catch (IOException) { continue; } // closed between the listing and the readlink
            if (target is not null) fds[fd] = target;
        }
        return fds;
    }

    /// <summary>
    /// The fds that are not the runtime's handles on assembly files. The runtime opens each
    /// assembly it loads and keeps it open for the life of the process; it loads lazily, even
    /// from the tiered JIT's background thread when it recompiles a hot method (seen here:
    /// <c>System.Net.NameResolution.dll</c> appearing midway through the cycles, loaded with no
    /// managed caller). Such fds come once per assembly, so they are bounded and not a leak, but
    /// when they come is not ours to decide: leak checks compare the rest, and check the
    /// assembly fds separately with <see cref="NewAssemblies"/>.
    /// </summary>
    public static SortedDictionary<int, string> WithoutAssemblies(SortedDictionary<int, string> fds) =>
        new(fds.Where(f => !IsAssembly(f.Value)).ToDictionary());

    /// <summary>
    /// Assembly fds of <paramref name="after"/> whose file had no fd in <paramref name="before"/>,
    /// or null if some assembly gained more fds than a first load opens (two): that would be a leak too.
    /// </summary>
    public static IReadOnlyList<string>? NewAssemblies(SortedDictionary<int, string> before, SortedDictionary<int, string> after)
    {
        var old = before.Values.Where(IsAssembly).ToHashSet();
        var added = after.Values.Where(IsAssembly).GroupBy(t => t).ToList();
        if (added.Any(g => old.Contains(g.Key) ? g.Count() > before.Values.Count(t => t == g.Key) : g.Count() > 2)) return null;
        return added.Where(g => !old.Contains(g.Key)).Select(g => g.Key).ToList();
    }

    private static bool IsAssembly(string target) => target.StartsWith('/') && target.EndsWith(".dll", StringComparison.Ordinal);

    /// <summary>Resident set size (VmRSS) of <paramref name="pid"/> in KiB.</summary>
    public static long VmRssKiB(int? pid = null) => Status(pid, "VmRSS");

    /// <summary>
    /// VmRSS and its parts in KiB: anonymous (the GC heap, stacks, native allocations), file
    /// (code and mapped assemblies) and shared memory (memfds and /dev/shm: tenant regions, and
    /// the runtime's double-mapped JIT code).
    /// </summary>
    public static (long Rss, long Anon, long File, long Shmem) Memory(int? pid = null) =>
        (Status(pid, "VmRSS"), Status(pid, "RssAnon"), Status(pid, "RssFile"), Status(pid, "RssShmem"));

    private static long Status(int? pid, string field)
    {
        foreach (var line in File.ReadLines($"{Dir(pid)}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"no {field} in {Dir(pid)}/status");
    }

    /// <summary>
    /// Lines of <c>/proc/PID/maps</c> that map a tenant region: the library's memfd
    /// (<c>memfd:descsock-ID</c>) or a file under /dev/shm. The runtime's own memfds
    /// (<c>doublemapper</c> for JIT code, <c>dotnet_ipc</c>) are not counted.
    /// </summary>
    public static int RegionMappings(int? pid = null) =>
        File.ReadLines($"{Dir(pid)}/maps").Count(l => l.Contains("/memfd:descsock-", StringComparison.Ordinal) || l.Contains("/dev/shm/", StringComparison.Ordinal));

    /// <summary>Fds of <paramref name="after"/> not in <paramref name="before"/> (same number, same target) and the other way round, one per line.</summary>
    public static string Diff(SortedDictionary<int, string> before, SortedDictionary<int, string> after)
    {
        var lines = new List<string>();
        foreach (var (fd, target) in after)
            if (!before.TryGetValue(fd, out var t) || t != target) lines.Add($"  + {fd} -> {target}");
        foreach (var (fd, target) in before)
            if (!after.TryGetValue(fd, out var t) || t != target) lines.Add($"  - {fd} -> {target}");
        return lines.Count == 0 ? "  (same fds)" : string.Join('\n', lines);
    }

    /// <summary>
    /// How many times the threads of <paramref name="pid"/> have gone off a CPU so far (voluntary
    /// and involuntary context switches, or with <paramref name="voluntaryOnly"/> only the times a
    /// thread gave its CPU up itself), by thread id: a thread that sleeps until woken adds one per
    /// wake-up; one preempted while it spins adds only involuntary ones.
    /// </summary>
    public static Dictionary<int, long> ContextSwitches(int pid, bool voluntaryOnly = false)
    {
        var result = new Dictionary<int, long>();
        foreach (var task in Directory.EnumerateDirectories($"{Dir(pid)}/task"))
        {
            long switches = 0;
            try
            {
                foreach (var line in File.ReadLines($"{task}/status"))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                        (!voluntaryOnly && line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal)))
                        switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
            catch (IOException) { continue; } // the thread ended between the listing and the read
            result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = switches;
        }
        return result;
    }

    /// <summary>Context switches between two readings of <see cref="ContextSwitches"/> (a thread born in between counts from zero).</summary>
    public static long SwitchesBetween(Dictionary<int, long> before, Dictionary<int, long> after) =>
        after.Sum(t => t.Value - before.GetValueOrDefault(t.Key));

    /// <summary>The inotify watches <paramref name="pid"/> holds, over all its inotify descriptors (from <c>/proc/PID/fdinfo</c>).</summary>
    public static int InotifyWatches(int pid) =>
        Fds(pid).Where(f => f.Value == "anon_inode:inotify")
            .Sum(f => File.ReadLines($"{Dir(pid)}/fdinfo/{f.Key.ToString(CultureInfo.InvariantCulture)}").Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
}
