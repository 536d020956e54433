using Microsoft.Playwright;

namespace EdgeMail.Browser.Tests.Support;

/// <summary>Full-page screenshots of each step, kept as test artifacts under <c>artifacts/screenshots/</c> at the repository root.</summary>
internal static class Screenshots
{
    public static string Folder { get; } = Create();

    public static async Task TakeAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = true });

    /// <summary>Runs <paramref name="body"/>; if it fails, keeps a screenshot of every page still open (<c>NAME-failure-N</c>).</summary>
    public static async Task OnFailureAsync(Func<Task> body, string name, params IBrowserContext[] contexts)
    {
        try
        {
            await body();
        }
        catch
        {
            var n = 0;
            foreach (var page in contexts.SelectMany(c => c.Pages))
            {
                try
                {
                    await TakeAsync(page, $"{name}-failure-{++n}");
                }
                catch (PlaywrightException)
                {
                    // The page is gone: the original failure is what matters.
                }
            }

            throw;
        }
    }

    private static string Create()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EdgeMail.sln")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
