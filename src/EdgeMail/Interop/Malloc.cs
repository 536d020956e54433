using System.Runtime.InteropServices;

namespace EdgeMail.Interop;

// glibc's allocator, which native code in the process (SQLite, OpenSSL) uses. Each thread-pool thread that
// allocates gets its own arena, and memory freed in an arena goes back to the system only from its top; after a
// burst, malloc_trim(0) returns the free pages of every arena. Elsewhere (musl, other systems) this does nothing.
internal static partial class Malloc
{
    /// <summary>Returns free native heap pages to the system; false where there is no glibc.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
