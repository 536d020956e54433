namespace EdgeMail.Tests.Support;

/// <summary>The repository the tests were built from, for the files it ships (firmware-config/, image/).</summary>
internal static class Repository
{
    /// <summary>The folder holding EdgeMail.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeMail.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("EdgeMail.sln not found above " + AppContext.BaseDirectory);
    }
}
