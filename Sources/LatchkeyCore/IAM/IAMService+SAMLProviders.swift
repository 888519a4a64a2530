public import Foundation
public import LatchkeyModel
import LatchkeySAMLModel
public import LatchkeyDomain

extension IAMService {
    /// At most this many SAML providers in one account.
    static let maxSAMLProviders = 100

    /// `CreateSAMLProvider`: the metadata must be SAML 2.0 IdP metadata with at least one signing certificate;
    /// the certificates are read once and stored beside the document.
    public func createSAMLProvider(caller: Caller, name: String, metadataDocument: String, tags: [ResourceTag], now: Date)
        async throws(STSError) -> SAMLProvider
    {
        let arn = "arn:aws:iam::\(caller.accountId):saml-provider/\(name)"
        try await authorize(caller, action: "CreateSAMLProvider", resource: arn)
        try Self.checkTagKeysUnique(tags)
        let summary = try self.readMetadata(metadataDocument)
        let provider = SAMLProvider(
            accountId: caller.accountId, name: name, uuid: UUID().uuidString.lowercased(),
            metadataDocument: metadataDocument, signingCertificates: summary.signingCertificates,
            entityId: summary.entityID, validUntil: summary.validUntil, tags: tags, createDate: now.wholeSeconds)
        // The quota is counted in the transaction that inserts, so concurrent creations cannot overshoot it.
        try await storeCall({ try await store.insertSAMLProvider(provider, maxPerAccount: Self.maxSAMLProviders) }) {
            error in
            switch error.code {
            case .alreadyExists: STSError(.entityAlreadyExists, "SAMLProvider \(name) already exists.")
            case .limitExceeded:
                STSError(.limitExceeded, "Cannot exceed quota for SamlProvidersPerAccount: \(Self.maxSAMLProviders)")
            default: nil
            }
        }
        return provider
    }

    /// `GetSAMLProvider`.
    public func getSAMLProvider(caller: Caller, arn: String) async throws(STSError) -> SAMLProvider {
        try await authorize(caller, action: "GetSAMLProvider", resource: arn)
        return try await requireSAMLProvider(caller.accountId, arn)
    }

    /// `ListSAMLProviders`: every provider of the account, ordered by name.
    public func listSAMLProviders(caller: Caller) async throws(STSError) -> [SAMLProvider] {
        try await authorize(caller, action: "ListSAMLProviders", resource: "*")
        return try await storeCall({ try await store.samlProviders(accountId: caller.accountId) })
    }

    /// `UpdateSAMLProvider`: replaces the metadata (read again for its certificates). Assertion encryption and
    /// private keys are not supported: Latchkey accepts only unencrypted assertions.
    public func updateSAMLProvider(caller: Caller, arn: String, metadataDocument: String?) async throws(STSError)
        -> SAMLProvider
    {
        try await authorize(caller, action: "UpdateSAMLProvider", resource: arn)
        // Read before the store's transaction (it can be megabytes), reported after the provider is found, as before.
        let summary: Result<SAMLMetadata, STSError>? = metadataDocument.map { document in
            Result { () throws(STSError) -> SAMLMetadata in try self.readMetadata(document) }
        }
        return try await modifySAMLProvider(caller.accountId, arn) { provider in
            guard let metadataDocument, let summary else { return }
            let metadata = try summary.get()
            provider.metadataDocument = metadataDocument
            provider.signingCertificates = metadata.signingCertificates
            provider.entityId = metadata.entityID
            provider.validUntil = metadata.validUntil
        }
    }

    /// `DeleteSAMLProvider`: `NoSuchEntity` when it does not exist.
    public func deleteSAMLProvider(caller: Caller, arn: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteSAMLProvider", resource: arn)
        guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == caller.accountId else {
            throw Self.noSuchSAMLProvider(arn)
        }
        try await storeCall({ try await store.deleteSAMLProvider(accountId: account, name: name) }) { error in
            error.code == .notFound ? Self.noSuchSAMLProvider(arn) : nil
        }
    }

    /// `TagSAMLProvider`: adds or replaces tags; at most 50.
    public func tagSAMLProvider(caller: Caller, arn: String, tags: [ResourceTag]) async throws(STSError) {
        try await authorize(caller, action: "TagSAMLProvider", resource: arn)
        try Self.checkTagKeysUnique(tags)
        try await modifySAMLProvider(caller.accountId, arn) { provider in
            // Counted against the tags actually stored, inside the store's transaction.
            let merged = Self.merge(provider.tags, with: tags)
            guard merged.count <= 50 else {
                throw Self.tooManyTags
            }
            provider.tags = merged
        }
    }

    /// `UntagSAMLProvider`: removes the named keys (case-insensitively).
    public func untagSAMLProvider(caller: Caller, arn: String, tagKeys: [String]) async throws(STSError) {
        try await authorize(caller, action: "UntagSAMLProvider", resource: arn)
        let removed = Set(tagKeys.map { $0.lowercased() })
        try await modifySAMLProvider(caller.accountId, arn) { provider in
            provider.tags.removeAll { removed.contains($0.key.lowercased()) }
        }
    }

    /// `ListSAMLProviderTags`: sorted by key, paginated.
    public func listSAMLProviderTags(caller: Caller, arn: String, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<ResourceTag>
    {
        try await authorize(caller, action: "ListSAMLProviderTags", resource: arn)
        let tags = try await requireSAMLProvider(caller.accountId, arn).tags
        let sorted = tags.sorted { $0.key.lowercased() < $1.key.lowercased() }
        return try page(sorted, listing: "ListSAMLProviderTags", key: { $0.key.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// The `ValidUntil` IAM answers for a provider: the metadata's `validUntil` when it has one, else 100 years after
    /// the provider's creation (Latchkey's choice; AWS always answers a date but does not document the default).
    public static func validUntil(of provider: SAMLProvider) -> Date {
        if let validUntil = provider.validUntil { return validUntil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(byAdding: .year, value: 100, to: provider.createDate)
            ?? provider.createDate.addingTimeInterval(100 * 365.2425 * 86_400)
    }

    // MARK: Helpers

    static func noSuchSAMLProvider(_ arn: String) -> STSError {
        STSError(.noSuchEntity, "Manifest not found for arn \(arn)")
    }

    /// SAML 2.0 IdP metadata of 1,000 to 10,000,000 characters with at least one signing certificate.
    func readMetadata(_ document: String) throws(STSError) -> SAMLMetadata {
        guard SAMLMetadata.lengthRange.contains(document.count) else {
            throw STSError(
                .invalidInput,
                "SAMLMetadataDocument must be between \(SAMLMetadata.lengthRange.lowerBound) and \(SAMLMetadata.lengthRange.upperBound) characters long.")
        }
        guard let samlMetadata else {
            throw STSError(.invalidInput, "SAML providers are not enabled on this server.")
        }
        do {
            return try samlMetadata.read(document)
        } catch {
            throw STSError(.invalidInput, error.message)
        }
    }

    func requireSAMLProvider(_ accountId: String, _ arn: String) async throws(STSError) -> SAMLProvider {
        guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == accountId,
            let provider = try await storeCall({ try await store.samlProvider(accountId: accountId, name: name) }),
            provider.arn == arn
        else { throw Self.noSuchSAMLProvider(arn) }
        return provider
    }

    /// Changes the provider atomically (read, `change`, write in one store transaction, so concurrent updates are
    /// not lost); `NoSuchEntity` unless the ARN names a provider of the account exactly (its name's case included),
    /// an `STSError` thrown by `change` comes back as it is.
    @discardableResult
    func modifySAMLProvider(
        _ accountId: String, _ arn: String, _ change: @escaping @Sendable (inout SAMLProvider) throws -> Void
    ) async throws(STSError) -> SAMLProvider {
        guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == accountId else {
            throw Self.noSuchSAMLProvider(arn)
        }
        return try await storeCall({
            try await store.modifySAMLProvider(accountId: accountId, name: name) { provider in
                // The lookup ignores case; the ARN must match the stored name's case.
                guard provider.arn == arn else { throw Self.noSuchSAMLProvider(arn) }
                try change(&provider)
            }
        }) { error in
            error.code == .notFound ? Self.noSuchSAMLProvider(arn) : nil
        }
    }
}
