public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeySAMLModel

extension IAMService {
    /// At most this many SAML providers in one account.
    static let maxSAMLProviders = 100

    /// `CreateSAMLProvider`: the metadata must be SAML 2.0 IdP metadata with at least one signing certificate;
    /// the certificates are read once and stored beside the document. Assertion encryption and private keys are not
    /// supported (`AssertionEncryptionMode` and `AddPrivateKey` are ignored): Latchkey accepts only unencrypted
    /// assertions.
    public func createSAMLProvider(_ input: CreateSAMLProviderInput, caller: Caller, now: Date)
        async throws(STSError) -> CreateSAMLProviderOutput
    {
        let (name, metadataDocument) = (input.name, input.samlMetadataDocument)
        let tags = (input.tags ?? []).map(ResourceTag.init)
        let arn = "arn:aws:iam::\(caller.accountId):saml-provider/\(name)"
        try await authorize(caller, CreateSAMLProviderInput.operation, resource: arn)
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
        return CreateSAMLProviderOutput(
            samlProviderArn: provider.arn, tags: tags.isEmpty ? nil : tags.map(IAM.Tag.init))
    }

    /// `GetSAMLProvider`.
    public func getSAMLProvider(_ input: GetSAMLProviderInput, caller: Caller) async throws(STSError)
        -> GetSAMLProviderOutput
    {
        let arn = input.samlProviderArn
        try await authorize(caller, GetSAMLProviderInput.operation, resource: arn)
        return GetSAMLProviderOutput(try await requireSAMLProvider(caller.accountId, arn))
    }

    /// `ListSAMLProviders`: every provider of the account, ordered by name.
    public func listSAMLProviders(_ input: ListSAMLProvidersInput, caller: Caller) async throws(STSError)
        -> ListSAMLProvidersOutput
    {
        try await authorize(caller, ListSAMLProvidersInput.operation, resource: "*")
        let providers = try await storeCall({ try await store.samlProviders(accountId: caller.accountId) })
        return ListSAMLProvidersOutput(samlProviderList: providers.map(IAM.SAMLProviderListEntry.init))
    }

    /// `UpdateSAMLProvider`: replaces the metadata (read again for its certificates). Assertion encryption and
    /// private keys are not supported (`AssertionEncryptionMode`, `AddPrivateKey` and `RemovePrivateKey` are
    /// ignored): Latchkey accepts only unencrypted assertions.
    public func updateSAMLProvider(_ input: UpdateSAMLProviderInput, caller: Caller) async throws(STSError)
        -> UpdateSAMLProviderOutput
    {
        let (arn, metadataDocument) = (input.samlProviderArn, input.samlMetadataDocument)
        try await authorize(caller, UpdateSAMLProviderInput.operation, resource: arn)
        // Read before the store's transaction (it can be megabytes), reported after the provider is found, as before.
        let summary: Result<SAMLMetadata, STSError>? = metadataDocument.map { document in
            Result { () throws(STSError) -> SAMLMetadata in try self.readMetadata(document) }
        }
        let provider = try await modifySAMLProvider(caller.accountId, arn) { provider in
            guard let metadataDocument, let summary else { return }
            let metadata = try summary.get()
            provider.metadataDocument = metadataDocument
            provider.signingCertificates = metadata.signingCertificates
            provider.entityId = metadata.entityID
            provider.validUntil = metadata.validUntil
        }
        return UpdateSAMLProviderOutput(samlProviderArn: provider.arn)
    }

    /// `DeleteSAMLProvider`: `NoSuchEntity` when it does not exist.
    public func deleteSAMLProvider(_ input: DeleteSAMLProviderInput, caller: Caller) async throws(STSError)
        -> DeleteSAMLProviderOutput
    {
        let arn = input.samlProviderArn
        try await authorize(caller, DeleteSAMLProviderInput.operation, resource: arn)
        guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == caller.accountId else {
            throw Self.noSuchSAMLProvider(arn)
        }
        try await storeCall({ try await store.deleteSAMLProvider(accountId: account, name: name) }) { error in
            error.code == .notFound ? Self.noSuchSAMLProvider(arn) : nil
        }
        return DeleteSAMLProviderOutput()
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
                "SAMLMetadataDocument must be between \(SAMLMetadata.lengthRange.lowerBound) and \(SAMLMetadata.lengthRange.upperBound) characters long."
            )
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
