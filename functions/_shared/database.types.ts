
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "availability_events": {
                  Row: {
                    "capacity": number,"capacity_mode": "pooled"|"exclusive","channel": string,"ends_at": string,"id": number,"new_state": string,"occurred_at": string,"previous_state": string,"reason": string,"remaining": number,"service_date": string,"slot_id": string | null,"starts_at": string,"unit_id": string,"venue_id": string,"version": number
                  }
                  ComputedFields: never
                  Insert: {
                    "capacity": number,"capacity_mode": "pooled"|"exclusive","channel": string,"ends_at": string,"id"?: never,"new_state": string,"occurred_at"?: string,"previous_state": string,"reason": string,"remaining": number,"service_date": string,"slot_id"?: string | null,"starts_at": string,"unit_id": string,"venue_id": string,"version": number
                  }
                  Update: {
                    "capacity"?: number,"capacity_mode"?: "pooled"|"exclusive","channel"?: string,"ends_at"?: string,"id"?: never,"new_state"?: string,"occurred_at"?: string,"previous_state"?: string,"reason"?: string,"remaining"?: number,"service_date"?: string,"slot_id"?: string | null,"starts_at"?: string,"unit_id"?: string,"venue_id"?: string,"version"?: number
                  }
                  Relationships: [
                    
                  ]
                },"staff_events": {
                  Row: {
                    "actor_role": string,"actor_user_id": string | null,"api_key_id": string | null,"booking_id": string,"ends_at": string,"guest_name": string | null,"id": number,"kind": "booking"|"block","occurred_at": string,"party_size": number,"previous_status": "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show" | null,"reason": string | null,"reference": string,"seq": number,"service_date": string,"starts_at": string,"status": "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show","units": (string)[],"venue_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "actor_role": string,"actor_user_id"?: string | null,"api_key_id"?: string | null,"booking_id": string,"ends_at": string,"guest_name"?: string | null,"id"?: never,"kind": "booking"|"block","occurred_at"?: string,"party_size": number,"previous_status"?: "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show" | null,"reason"?: string | null,"reference": string,"seq": number,"service_date": string,"starts_at": string,"status": "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show","units"?: (string)[],"venue_id": string
                  }
                  Update: {
                    "actor_role"?: string,"actor_user_id"?: string | null,"api_key_id"?: string | null,"booking_id"?: string,"ends_at"?: string,"guest_name"?: string | null,"id"?: never,"kind"?: "booking"|"block","occurred_at"?: string,"party_size"?: number,"previous_status"?: "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show" | null,"reason"?: string | null,"reference"?: string,"seq"?: number,"service_date"?: string,"starts_at"?: string,"status"?: "held"|"pending_approval"|"confirmed"|"seated"|"completed"|"cancelled"|"expired"|"rejected"|"no_show","units"?: (string)[],"venue_id"?: string
                  }
                  Relationships: [
                    
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            "api_key_create":
{ Args: { "p_name": string,"p_scopes": (string)[],"p_venue_id": string }; Returns: Json
                           },
"api_key_revoke":
{ Args: { "p_api_key_id": string }; Returns: Json
                           },
"approve":
{ Args: { "p_booking_id": string }; Returns: Json
                           },
"arrivals":
{ Args: { "p_date"?: string,"p_unit_code"?: string,"p_unit_type"?: string,"p_venue_id": string }; Returns: Json
                           },
"availability":
{ Args: { "p_date": string,"p_party_size"?: number,"p_slot"?: string,"p_start"?: string,"p_venue_id": string }; Returns: Json
                           },
"availability_etag":
{ Args: { "p_date": string,"p_party_size"?: number,"p_slot"?: string,"p_start"?: string,"p_venue_id": string }; Returns: string
                           },
"availability_text":
{ Args: { "p_date": string,"p_party_size"?: number,"p_slot"?: string,"p_start"?: string,"p_venue_id": string }; Returns: Record<string, unknown>
                           },
"available_times":
{ Args: { "p_date": string,"p_party_size": number,"p_venue_id": string }; Returns: Json
                           },
"block":
{ Args: { "p_date"?: string,"p_end"?: string,"p_quantity"?: number,"p_reason": string,"p_slot"?: string,"p_start"?: string,"p_unit_ids": (string)[],"p_venue_id": string }; Returns: Json
                           },
"book":
{ Args: { "p_area_id"?: string,"p_client_id"?: string,"p_date"?: string,"p_guest"?: Json,"p_idempotency_key"?: string,"p_occasion"?: string,"p_override"?: boolean,"p_party_size": number,"p_payment_ref"?: string,"p_seen_version"?: number,"p_slot"?: string,"p_source"?: string,"p_special_requests"?: string,"p_start"?: string,"p_unit_ids"?: (string)[],"p_venue_id": string }; Returns: Json
                           },
"booking_get":
{ Args: { "p_booking_id": string,"p_manage_token"?: string }; Returns: Json
                           },
"cancel":
{ Args: { "p_booking_id": string,"p_manage_token"?: string,"p_reason"?: string }; Returns: Json
                           },
"channel_resumable":
{ Args: { "p_after": number,"p_date": string,"p_venue_id": string }; Returns: boolean
                           },
"channel_version":
{ Args: { "p_date": string,"p_venue_id": string }; Returns: number
                           },
"client_create":
{ Args: { "p_date_of_birth"?: string,"p_email"?: string,"p_name": string,"p_notes"?: string,"p_phone"?: string,"p_tags"?: (string)[],"p_user_id"?: string,"p_venue_id": string }; Returns: Json
                           },
"client_erase":
{ Args: { "p_client_id": string }; Returns: Json
                           },
"client_get":
{ Args: { "p_client_id": string }; Returns: Json
                           },
"client_update":
{ Args: { "p_changes": Json,"p_client_id": string }; Returns: Json
                           },
"clients_search":
{ Args: { "p_limit"?: number,"p_offset"?: number,"p_query"?: string,"p_venue_id": string }; Returns: Json
                           },
"complete":
{ Args: { "p_booking_id": string }; Returns: Json
                           },
"confirm":
{ Args: { "p_booking_id": string,"p_manage_token"?: string,"p_payment_ref"?: string }; Returns: Json
                           },
"hold":
{ Args: { "p_area_id"?: string,"p_client_id"?: string,"p_date"?: string,"p_guest"?: Json,"p_idempotency_key"?: string,"p_occasion"?: string,"p_override"?: boolean,"p_party_size": number,"p_seen_version"?: number,"p_slot"?: string,"p_source"?: string,"p_special_requests"?: string,"p_start"?: string,"p_unit_ids"?: (string)[],"p_venue_id": string }; Returns: Json
                           },
"modify":
{ Args: { "p_booking_id": string,"p_date"?: string,"p_manage_token"?: string,"p_override"?: boolean,"p_party_size"?: number,"p_slot"?: string,"p_start"?: string,"p_unit_ids"?: (string)[] }; Returns: Json
                           },
"no_show":
{ Args: { "p_booking_id": string }; Returns: Json
                           },
"record_refusal":
{ Args: { "p_code": string,"p_stale"?: boolean,"p_venue_id": string }; Returns: undefined
                           },
"refresh_channel":
{ Args: { "p_date": string,"p_venue_id": string }; Returns: number
                           },
"reject":
{ Args: { "p_booking_id": string,"p_reason"?: string }; Returns: Json
                           },
"seat":
{ Args: { "p_booking_id": string }; Returns: Json
                           },
"staff_feed":
{ Args: { "p_after"?: number,"p_date"?: string,"p_limit"?: number,"p_venue_id": string }; Returns: Json
                           },
"suggest_tables":
{ Args: { "p_area_id"?: string,"p_limit"?: number,"p_party_size": number,"p_start": string,"p_venue_id": string }; Returns: Json
                           },
"sweep_expired_holds":
{ Args: { "p_limit"?: number }; Returns: number
                           },
"table_live_status":
{ Args: { "p_at"?: string,"p_venue_id": string }; Returns: Json
                           },
"unblock":
{ Args: { "p_block_id": string }; Returns: Json
                           },
"venue_metrics":
{ Args: { "p_from": string,"p_to": string,"p_venue_id": string }; Returns: Json
                           }
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            
          }
        }
} as const
