namespace EdgeMail.Store;

/// <summary>Why a store operation was refused; each protocol maps these to its own replies.</summary>
public enum StoreError
{
    InvalidName,
    InvalidAddress,
    AlreadyExists,
    NotFound,
    NotAllowed,
    TooLarge,
    StorageFull,
    Conflict,
}
